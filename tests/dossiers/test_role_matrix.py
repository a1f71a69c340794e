"""The role matrix: who may do what to a dossier in each state, written out by hand.

The table below is the expectation, not derived from ``dossiers.access``: for each state of a dossier of
Phường Phú Xuân (received and competent there) and each action, the people allowed. Everyone else is
refused: staff of another agency (Phú Vang, the department, the post office), the administrator, another
citizen. The test asks the policy for every person × action × state and compares.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from motcua.catalog.models import Action
from motcua.dossiers import access, services
from motcua.dossiers.access import Act
from motcua.dossiers.models import Consultation, Dossier, State, StopNotice, WithdrawalRequest
from motcua.org.models import Role
from workspace.conftest import PASSWORD, log_in, signing_code

from .dossier_world import COMPLETE, T0, World, build_world, make_staff, move

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
ON = T0.date()

PEOPLE = (
    "officer_px",  # reception officer, own agency (receiving and competent)
    "officer_pv",  # reception officer, other agency
    "specialist_px",
    "specialist_pv",
    "head_px",
    "head_pv",
    "leader_px",
    "leader_pv",
    "clerk_px",
    "clerk_pv",
    "dept_specialist",  # specialist of the department (consulted in the "consulting" state)
    "postal",  # postal staff of the post office
    "admin",  # administrator placed at a province agency
    "citizen",  # the applicant: own dossier
    "stranger",  # another citizen
)

ACTIONS = (
    Act.ACCEPT,
    Act.REQUEST_RECEPTION_SUPPLEMENT,
    Act.REFUSE_RECEPTION,
    Action.FORWARD,
    Action.APPROVE,
    Action.SIGN,
    Action.ISSUE_NUMBER,
    Action.RETURN,
    Action.REFUSE,
    Action.RETURN_RESULT,
    Action.REQUEST_SUPPLEMENT,
    Action.CONSULT,
    Act.SUPPLY,
    Act.WITHDRAW,
    Act.DECIDE_WITHDRAWAL,
    Act.PROPOSE_STOP,
    Act.SIGN_STOP,
    Act.DECLINE_STOP,
    Act.RATE,
    Act.ASSIGN,
    Act.OVERRIDE_COMPETENCE,
    Act.DRAFT_APOLOGY,
    Act.ATTACH_RESULT,
    Act.REMOVE_RESULT,
    "view",
)

PX_STAFF = {"officer_px", "specialist_px", "head_px", "leader_px", "clerk_px"}
ON_BEHALF = {"officer_px", "officer_pv", "postal", "citizen"}  # supply: the applicant or any reception desk
SEE = PX_STAFF | {"citizen"}

# state -> action -> who may; an action not listed for a state is refused to everyone.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "submitted": {
        Act.ACCEPT: {"officer_px"},
        Act.REQUEST_RECEPTION_SUPPLEMENT: {"officer_px"},
        Act.REFUSE_RECEPTION: {"officer_px"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.OVERRIDE_COMPETENCE: {"leader_px", "admin"},
        "view": SEE,
    },
    "submitted_by_post": {
        Act.ACCEPT: {"officer_px", "postal"},
        Act.REQUEST_RECEPTION_SUPPLEMENT: {"officer_px", "postal"},
        Act.REFUSE_RECEPTION: {"officer_px", "postal"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.OVERRIDE_COMPETENCE: {"leader_px", "admin"},
        "view": SEE | {"postal"},
    },
    "reception_supplement": {
        Act.REFUSE_RECEPTION: {"officer_px"},
        Act.SUPPLY: ON_BEHALF,
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.OVERRIDE_COMPETENCE: {"leader_px", "admin"},
        "view": SEE,
    },
    "at_reception_step": {
        Action.FORWARD: {"officer_px"},
        Act.PROPOSE_STOP: {"officer_px"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        Act.ATTACH_RESULT: {"officer_px"},
        Act.REMOVE_RESULT: {"officer_px"},
        "view": SEE,
    },
    "at_review": {
        Action.FORWARD: {"specialist_px"},
        Action.RETURN: {"specialist_px"},
        # The step lists refuse, but only the competent agency's leader stops a dossier: the specialist
        # proposes the stop (form 05) instead.
        Act.PROPOSE_STOP: {"specialist_px"},
        Action.REQUEST_SUPPLEMENT: {"specialist_px"},
        Action.CONSULT: {"specialist_px"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        Act.ATTACH_RESULT: {"specialist_px"},
        Act.REMOVE_RESULT: {"specialist_px"},
        "view": SEE,
    },
    "supplement": {
        Act.SUPPLY: ON_BEHALF,
        Act.PROPOSE_STOP: {"specialist_px"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        "view": SEE,
    },
    "consulting": {
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.PROPOSE_STOP: {"specialist_px"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        Act.ATTACH_RESULT: {"specialist_px"},
        Act.REMOVE_RESULT: {"specialist_px"},
        Act.ANSWER_CONSULTATION: {"dept_specialist"},
        # Anyone placed at the consulted department reads it, the administrator placed there included.
        "view": SEE | {"dept_specialist", "admin"},
    },
    "at_approval": {
        Action.APPROVE: {"head_px"},
        Act.PROPOSE_STOP: {"head_px"},
        Action.RETURN: {"head_px"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        Act.ATTACH_RESULT: {"head_px"},
        Act.REMOVE_RESULT: {"head_px"},
        "view": SEE,
    },
    "at_signature": {
        Action.SIGN: {"leader_px"},
        Action.RETURN: {"leader_px"},
        Action.REFUSE: {"leader_px"},
        Act.PROPOSE_STOP: {"leader_px"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        Act.ATTACH_RESULT: {"leader_px"},
        Act.REMOVE_RESULT: {"leader_px"},
        "view": SEE,
    },
    "at_numbering": {
        Action.ISSUE_NUMBER: {"clerk_px"},
        Act.PROPOSE_STOP: {"clerk_px"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        Act.ATTACH_RESULT: {"clerk_px"},
        Act.REMOVE_RESULT: {"clerk_px"},
        "view": SEE,
    },
    "result_ready": {
        Action.RETURN_RESULT: {"officer_px"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.ATTACH_RESULT: {"officer_px"},
        Act.REMOVE_RESULT: {"officer_px"},
        "view": SEE,
    },
    "returned": {Act.RATE: {"citizen"}, "view": SEE},
    "stop_proposed": {
        Action.FORWARD: {"specialist_px"},
        Action.RETURN: {"specialist_px"},
        Action.REQUEST_SUPPLEMENT: {"specialist_px"},
        Action.CONSULT: {"specialist_px"},
        Act.SIGN_STOP: {"leader_px"},
        Act.DECLINE_STOP: {"leader_px"},
        Act.WITHDRAW: {"officer_px", "citizen"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        Act.ATTACH_RESULT: {"specialist_px"},
        Act.REMOVE_RESULT: {"specialist_px"},
        "view": SEE,
    },
    "withdrawal_requested": {
        # Processing goes on while the competent agency decides; no second request.
        Action.FORWARD: {"specialist_px"},
        Action.RETURN: {"specialist_px"},
        Action.REQUEST_SUPPLEMENT: {"specialist_px"},
        Action.CONSULT: {"specialist_px"},
        Act.PROPOSE_STOP: {"specialist_px"},
        Act.DECIDE_WITHDRAWAL: {"leader_px"},
        Act.ASSIGN: {"head_px", "leader_px"},
        Act.DRAFT_APOLOGY: PX_STAFF,
        Act.ATTACH_RESULT: {"specialist_px"},
        Act.REMOVE_RESULT: {"specialist_px"},
        "view": SEE,
    },
    "stopped": {Act.RATE: {"citizen"}, "view": SEE},
    "withdrawn": {"view": SEE},
    "refused_at_reception": {"view": SEE},
}

INTERNAL = {
    "submitted": State.SUBMITTED,
    "submitted_by_post": State.SUBMITTED,
    "reception_supplement": State.RECEPTION_SUPPLEMENT,
    "at_reception_step": State.IN_PROCESS,
    "at_review": State.IN_PROCESS,
    "supplement": State.SUPPLEMENT,
    "consulting": State.CONSULTING,
    "at_approval": State.IN_PROCESS,
    "at_signature": State.IN_PROCESS,
    "at_numbering": State.IN_PROCESS,
    "result_ready": State.RESULT_READY,
    "returned": State.RETURNED,
    "stop_proposed": State.IN_PROCESS,
    "withdrawal_requested": State.IN_PROCESS,
    "stopped": State.STOPPED,
    "withdrawn": State.WITHDRAWN,
    "refused_at_reception": State.REFUSED_AT_RECEPTION,
}


def _received(world: World, *, by_post: bool = False) -> Dossier:
    common = dict(
        procedure=world.procedure,
        place_unit=world.phu_xuan,
        applicant=world.citizen,
        applicant_info=services.ApplicantInfo(name="Nguyễn Thị Hoa", id_number="046190000001"),
        documents=COMPLETE,
        now=T0,
    )
    if by_post:
        return services.receive_by_post(
            by=world.postal, reception_point=world.point_post, postal_tracking_number="EB123VN", **common
        )
    return services.receive_at_counter(by=world.officer_px, reception_point=world.point_phu_xuan, **common)


def _move(world: World, dossier: Dossier, who: str, action: str, n: int, reason: str = "") -> Dossier:
    return move(dossier=dossier, by=world.users[who], action=action, reason=reason, now=T0 + n * H)


def dossier_in(world: World, state: str) -> Dossier:
    """A dossier of Phú Xuân driven through the real services to ``state``."""
    if state == "submitted_by_post":
        return _received(world, by_post=True)
    d = _received(world)
    if state == "submitted":
        return d
    if state in ("reception_supplement", "refused_at_reception"):
        d = services.request_reception_supplement(
            dossier=d, by=world.officer_px, missing=["UQ"], reason="Thiếu", now=T0 + H
        )
        if state == "refused_at_reception":
            d = services.refuse_reception(dossier=d, by=world.officer_px, reason="Không đủ", now=T0 + 2 * H)
        return d
    d = services.accept(dossier=d, by=world.officer_px, now=T0 + H)
    if state == "withdrawn":
        request = services.request_withdrawal(
            dossier=d, by=world.citizen, reason="Không cần nữa", now=T0 + 2 * H
        )
        return services.accept_withdrawal(
            request=request, by=world.leader_px, originals_returned="Tờ khai", now=T0 + 2 * H
        )
    if state == "at_reception_step":
        return d
    d = _move(world, d, "officer_px", Action.FORWARD, 2)
    if state == "at_review":
        return d
    if state == "supplement":
        return services.request_supplement(
            dossier=d, by=world.specialist_px, missing=["UQ"], reason="Thiếu", now=T0 + 3 * H
        )
    if state == "consulting":
        services.consult(
            dossier=d, by=world.specialist_px, agency=world.department, question="?", now=T0 + 3 * H
        )
        return Dossier.objects.get(pk=d.pk)
    if state in ("stop_proposed", "stopped"):
        notice = services.propose_stop(
            dossier=d, by=world.specialist_px, reasons="Không đủ điều kiện", now=T0 + 3 * H
        )
        if state == "stop_proposed":
            return Dossier.objects.get(pk=d.pk)
        return services.sign_stop(notice=notice, by=world.leader_px, now=T0 + 4 * H)
    if state == "withdrawal_requested":
        services.request_withdrawal(dossier=d, by=world.citizen, reason="Không cần nữa", now=T0 + 3 * H)
        return Dossier.objects.get(pk=d.pk)
    d = _move(world, d, "specialist_px", Action.FORWARD, 3)
    if state == "at_approval":
        return d
    d = _move(world, d, "head_px", Action.APPROVE, 4)
    if state == "at_signature":
        return d
    d = _move(world, d, "leader_px", Action.SIGN, 5)
    if state == "at_numbering":
        return d
    d = _move(world, d, "clerk_px", Action.ISSUE_NUMBER, 6)
    if state == "result_ready":
        return d
    return _move(world, d, "officer_px", Action.RETURN_RESULT, 7)


@pytest.fixture
def people(db) -> World:
    world = build_world()
    world.users["admin"] = make_staff(world.department, Role.ADMINISTRATOR, name="Quản trị hệ thống")
    return world


def _subject(action: str, dossier: Dossier) -> object:
    if action == Act.ANSWER_CONSULTATION:
        return Consultation.objects.filter(dossier=dossier).first()
    if action in (Act.SIGN_STOP, Act.DECLINE_STOP):
        return StopNotice.objects.filter(dossier=dossier).first()
    if action == Act.DECIDE_WITHDRAWAL:
        return WithdrawalRequest.objects.filter(dossier=dossier).first()
    return None


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_person_may_do_exactly_what_the_table_says(people, state):
    dossier = Dossier.objects.select_related("current_step__step").get(pk=dossier_in(people, state).pk)
    assert dossier.state == INTERNAL[state]
    expected = EXPECTED[state]
    actions = ACTIONS + ((Act.ANSWER_CONSULTATION,) if state == "consulting" else ())
    wrong = []
    for name in PEOPLE:
        user = people.users[name]
        for action in actions:
            if action == "view":
                answer = access.visible_dossiers(user=user, on=ON).filter(pk=dossier.pk).exists()
            else:
                answer = access.may(user, action, dossier, on=ON, subject=_subject(action, dossier))
            if answer != (name in expected.get(action, set())):
                wrong.append(f"{name} {action}: policy says {'allow' if answer else 'deny'}")
    assert not wrong, f"state {state}:\n" + "\n".join(wrong)


# --- pages: the buttons shown, the policy's answer and the service's outcome agree ----------------------

PAGE_ACTIONS = (Act.ACCEPT, Act.REQUEST_RECEPTION_SUPPLEMENT, Act.REFUSE_RECEPTION, *Action.values)
SAMPLE = [
    ("submitted", "officer_px"),
    ("submitted", "postal"),
    ("submitted_by_post", "postal"),
    ("at_review", "specialist_px"),
    ("at_review", "head_px"),
    ("at_review", "officer_px"),
    ("at_approval", "head_px"),
    ("at_signature", "leader_px"),
    ("at_numbering", "clerk_px"),
    ("result_ready", "officer_px"),
    ("result_ready", "specialist_px"),
]
FILLED = {"reason": "Lý do thử nghiệm", "missing": "Giấy tờ khác"}


def _form(world: World, action: str, version: int, username: str = "") -> dict[str, object]:
    extra: dict[str, object] = {"target_step": "tham_dinh"} if action == Action.RETURN else {}
    if action == Action.CONSULT:
        extra["agency"] = world.department.pk
    if action in (Action.SIGN, Action.REFUSE) and username:
        extra["token"] = signing_code(username)  # a signature asks the authenticator's code again
    if action == Action.REFUSE:
        extra["confirm"] = "yes"  # a refusal is posted again from its confirmation page
    return {"action": action, "version": version, **FILLED, **extra}


def _shown(page: str) -> set[str]:
    return set(re.findall(r'name="action" value="([a-z_]+)"', page)) - {"answer_consultation"}


@pytest.mark.parametrize(("state", "name"), SAMPLE)
def test_the_officer_page_shows_the_policys_buttons_and_the_service_agrees(people, client, state, name):
    dossier = dossier_in(people, state)
    user = people.users[name]
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    log_in(client, user)
    url = f"/can-bo/ho-so/{dossier.code}/"
    response = client.get(url)
    today = timezone.localdate()
    if not access.visible_dossiers(user=user, on=today).filter(pk=dossier.pk).exists():
        assert response.status_code == 404
        return
    page = response.content.decode()
    dossier = Dossier.objects.select_related("current_step__step").get(pk=dossier.pk)
    allowed = {a for a in PAGE_ACTIONS if access.may(user, a, dossier, on=today)}
    assert _shown(page) == allowed
    assert ('id="result-file"' in page) == access.may(user, Act.ATTACH_RESULT, dossier, on=today)
    for action in sorted(set(PAGE_ACTIONS) - allowed)[:3]:
        # Posted anyway (a forged form): nothing changes.
        client.post(f"{url}thao-tac/", _form(people, action, dossier.version))
        after = Dossier.objects.get(pk=dossier.pk)
        assert (after.version, after.state) == (dossier.version, dossier.state), action
    for action in sorted(allowed)[:1]:
        response = client.post(f"{url}thao-tac/", _form(people, action, dossier.version, user.username))
        assert response.status_code == 302, action
        assert Dossier.objects.get(pk=dossier.pk).version > dossier.version, action


@pytest.mark.parametrize("state", ["submitted", "at_review", "supplement", "result_ready", "returned"])
def test_the_portal_offers_withdrawal_and_rating_exactly_when_the_service_accepts_them(people, client, state):
    dossier = dossier_in(people, state)
    citizen = people.citizen
    client.force_login(citizen)
    url = f"/dich-vu-cong/ho-so/{dossier.code}/"
    page = client.get(url).content.decode()
    today = timezone.localdate()
    may_withdraw = access.may(citizen, Act.WITHDRAW, dossier, on=today)
    may_rate = access.may(citizen, Act.RATE, dossier, on=today, subject="portal")
    assert ('data-testid="withdraw-start"' in page) == may_withdraw
    assert may_withdraw == (state in ("submitted", "at_review", "supplement"))
    assert may_rate == (state == "returned")
    response = client.post(f"{url}rut/", {"reason": "Không cần nữa"})
    after = Dossier.objects.get(pk=dossier.pk)
    # A request, decided later by the competent agency: the dossier is not withdrawn yet.
    assert after.withdrawal_pending == may_withdraw and after.state == dossier.state
    if not may_withdraw:
        assert response.status_code == 400 and after.version == dossier.version
