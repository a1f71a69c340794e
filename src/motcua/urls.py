from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from motcua.core.views import healthz, server_error
from motcua.outbox.views import metrics

# Vietnamese error pages in the site layout (templates/404.html through Django's handler, 500.html).
handler500 = server_error

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="metrics"),
    path("healthz", healthz, name="healthz"),
    path("dich-vu-cong/", include("motcua.portal.urls")),
    path("can-bo/", include("motcua.workspace.urls")),
    # The post (motcua.postal): the postal service's signed callback and the hand-over records.
    path("buu-chinh/", include("motcua.postal.urls")),
    # Provider callbacks of the notification channels (SMS delivery receipts), signed.
    path("tich-hop/", include("motcua.notifications.urls")),
    # Public verification of issued documents: /xac-thuc/<id>/ and /verify/<id>/ (motcua.signing).
    path("", include("motcua.signing.urls")),
    path("", include("motcua.org.urls")),
    # Fees: the payment gateway's signed callback and the fee receipts (motcua.payments).
    path("", include("motcua.payments.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
