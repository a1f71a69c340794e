from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "motcua.outbox"
    # The label the table was created under (integrations_outboxmessage): keeps the migration history,
    # the table and the admin address (/admin/integrations/outboxmessage/).
    label = "integrations"
    verbose_name = _("Kết nối, liên thông")
