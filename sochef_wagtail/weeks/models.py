"""Guest slots (who is on which relay account in which week) and the booking rule: one live
week per account and day."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.images import get_image_model
from wagtail.models import Orderable

from ..accounts import RelayAccount
from ..dates import WEEK, current_week_start
from ..guests import Guest
from ..meta import SHARE_IMAGE_SPEC
from ..sql import model_from, quoted, written_out_rows

GUEST_PHOTO_SPEC = "fill-96x96"


def slots_queryset():
    """Guest slots with account, guest, photo and its renditions, employer side first."""
    # What ImageQuerySet.prefetch_renditions() does, with the photo joined instead of
    # prefetched: one query fewer. The share picture's rendition too: Wagtail takes a spec
    # missing from the prefetch for one never made, and makes its file again on every request.
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=[GUEST_PHOTO_SPEC, SHARE_IMAGE_SPEC])
    )
    return (
        GuestSlot.objects.select_related("account", "guest__photo")
        .prefetch_related(
            Prefetch(
                "guest__photo__renditions", queryset=renditions, to_attr="prefetched_renditions"
            )
        )
        .order_by("account__side", "sort_order", "pk")
    )


# What slots_queryset().filter(page=…) reads, in one statement whose rows become the same
# models: the ORM's select_related chain and rendition prefetch cost a week page 2.3 CPU-ms,
# two queries compiled on every request; written out, a fifth of that.
WEEK_SLOTS_SQL = """
SELECT {columns}
FROM {slot} s
JOIN {account} a ON a.id = s.{slot_account}
JOIN {guest} g ON g.id = s.{slot_guest}
LEFT JOIN {image} i ON i.id = g.{guest_photo}
LEFT JOIN {rendition} r ON r.{rendition_image} = i.id AND r.filter_spec IN (%s, %s)
WHERE s.{slot_page} = %s
ORDER BY a.side, s.sort_order, s.id, r.id
"""


def week_slots(page_pk):
    """The slots of the week ``page_pk`` as ``list(slots_queryset().filter(page=page_pk))``
    gives them: models with their account, guest, photo and its renditions. One query."""
    image_model = get_image_model()
    rendition_model = image_model.get_rendition_model()
    joined = [
        ("s", GuestSlot, None),
        ("a", RelayAccount, None),
        ("g", Guest, None),
        ("i", image_model, None),
        ("r", rendition_model, None),
    ]
    rows = written_out_rows(
        GuestSlot,
        joined,
        WEEK_SLOTS_SQL,
        [GUEST_PHOTO_SPEC, SHARE_IMAGE_SPEC, page_pk],
        slot=quoted(GuestSlot),
        account=quoted(RelayAccount),
        guest=quoted(Guest),
        image=quoted(image_model),
        rendition=quoted(rendition_model),
        slot_account=quoted(GuestSlot, "account"),
        slot_guest=quoted(GuestSlot, "guest"),
        slot_page=quoted(GuestSlot, "page"),
        guest_photo=quoted(Guest, "photo"),
        rendition_image=quoted(rendition_model, "image"),
    )
    slots, built = {}, {}

    def model_of(alias, model, values):
        """The model of ``values`` (None for a row the LEFT JOIN left empty), once each."""
        if values[0] is None:
            return None
        key = (alias, values[0])
        if key not in built:
            built[key] = model_from(model, values)
        return built[key]

    for values in rows:
        slot = model_of("s", GuestSlot, values["s"])
        if slot.pk not in slots:
            slot.account = model_of("a", RelayAccount, values["a"])
            slot.guest = model_of("g", Guest, values["g"])
            photo = model_of("i", image_model, values["i"])
            if photo is not None:
                photo.prefetched_renditions = getattr(photo, "prefetched_renditions", [])
                slot.guest.photo = photo
            slots[slot.pk] = slot
        rendition = model_of("r", rendition_model, values["r"])
        # A photo of two guests comes with its renditions twice.
        if rendition is not None and rendition not in slot.guest.photo.prefetched_renditions:
            rendition.image = slot.guest.photo
            slot.guest.photo.prefetched_renditions.append(rendition)
    return list(slots.values())


def with_slots(weeks):
    """Weeks with their slots prefetched: a constant number of queries however many weeks."""
    return weeks.prefetch_related(Prefetch("slots", queryset=slots_queryset()))


def announced_weeks(weeks, project):
    """The weeks a page, block or feed may list: ``weeks`` without those still to come while
    the project (its ProjectSettings) is paused or closed."""
    if project.lists_upcoming:
        return weeks
    return weeks.filter(week_start__lte=current_week_start())


class AccountBooked(ValidationError):
    """A week may not go live: another live week has one of its relay accounts on those days."""

    def __init__(self, week, booked):
        self.week = week
        super().__init__([booking_message(slot) for slot in booked])


def booking_message(slot):
    """Why a week is refused: ``slot``'s account, its week and its guest hold those days."""
    return _(
        "%(account)s already has a published week from %(date)s: “%(title)s” with "
        "%(guest)s. Choose another account or another week."
    ) % {
        "account": slot.account,
        "date": slot.page.week_start.isoformat(),
        "title": slot.page.title,
        "guest": slot.guest,
    }


def live_slots():
    """The slots of live weeks, with week, guest and account. An alias shows its original's
    week again, so it books nothing of its own."""
    return GuestSlot.objects.filter(page__live=True, page__alias_of__isnull=True).select_related(
        "page", "guest", "account"
    )


def booked_slots(week_start, account_ids, week=None):
    """Per account of ``account_ids``, the first live slot of another week that overlaps the
    week from ``week_start``. ``week`` itself and its translations (the same week in another
    locale) are not another week. The rule is global: weeks of every index and site count, as
    the relay accounts are the same everywhere."""
    slots = live_slots().filter(
        account_id__in=account_ids,
        page__week_start__gt=week_start - WEEK,
        page__week_start__lt=week_start + WEEK,
    )
    if week is not None:
        slots = slots.exclude(page__translation_key=week.translation_key)
    first = {}
    for slot in slots.order_by("page__week_start", "page_id"):
        first.setdefault(slot.account_id, slot)
    return list(first.values())


def lock_accounts(account_ids):
    """Hold the accounts' rows until the transaction ends. Of two weeks published at the same
    moment on one account, the second waits here until the first is committed, then sees it
    (PostgreSQL; SQLite writes one transaction at a time anyway)."""
    rows = RelayAccount.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
    list(rows.values_list("pk", flat=True))


def first_free_week(account, start):
    """The first Monday from ``start`` on which ``account`` has no live week, and the live
    slots of the weeks skipped on the way."""
    monday, skipped = start, []
    slots = live_slots().filter(account=account, page__week_start__gt=start - WEEK)
    for slot in slots.order_by("page__week_start"):
        begins = slot.page.week_start
        if begins >= monday + WEEK:
            break
        if begins > monday - WEEK:
            skipped.append(slot)
            while begins > monday - WEEK:
                monday += WEEK
    return monday, skipped


class GuestSlot(Orderable):
    """One guest on one relay account in one week."""

    page = ParentalKey(
        "sochef_wagtail.GuestWeekPage", on_delete=models.CASCADE, related_name="slots"
    )
    account = models.ForeignKey(
        RelayAccount,
        verbose_name=_("relay account"),
        on_delete=models.PROTECT,
        related_name="slots",
    )
    guest = models.ForeignKey(
        Guest, verbose_name=_("guest"), on_delete=models.PROTECT, related_name="slots"
    )

    panels = [FieldPanel("account"), FieldPanel("guest")]

    class Meta(Orderable.Meta):
        verbose_name = _("guest slot")
        verbose_name_plural = _("guest slots")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "account"], name="sochef_guestslot_one_guest_per_account"
            ),
        ]

    def __str__(self):
        return f"{self.guest} @{self.account.handle}"

    @cached_property
    def accounts(self):
        """The accounts its guest card names: this slot's, and those of the guest's other
        slots on the same side that ``guest_cards`` joined to it."""
        return [self.account]
