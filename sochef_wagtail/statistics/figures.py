"""The figures and charts of the statistics page, each aggregated in the database."""

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from ..accounts import FollowerSnapshot, RelayAccount
from ..archive.models import Tweet, latest_versions
from ..charts import BarChart, LineChart, Series
from ..choices import Platform, Role, Sector, Side
from ..dates import WEEK, app_time_zone
from ..guests import Guest
from ..weeks.models import GuestSlot


def tweets_per_week():
    """{Monday: {side: tweets}} for every week from the first tweet to the last, gaps as 0."""
    week = TruncWeek("created_at", output_field=DateField(), tzinfo=app_time_zone())
    rows = (
        Tweet.objects.filter(latest_versions())
        .annotate(week=week)
        .values("week", "account__side")
        .annotate(tweets=Count("pk"))
        .order_by("week")
    )
    counts = {}
    for row in rows:
        sides = counts.setdefault(row["week"], dict.fromkeys(Side.values, 0))
        sides[row["account__side"]] = row["tweets"]
    if counts:
        monday, last = min(counts), max(counts)
        while monday < last:
            monday += WEEK
            counts.setdefault(monday, dict.fromkeys(Side.values, 0))
    return dict(sorted(counts.items()))


def posts_per_platform_and_side(accounts):
    """{platform: {side: posts}} of the posts of ``accounts``, for each of their platforms, in
    the order of Platform."""
    platforms = {account.platform for account in accounts}
    counts = {
        platform: dict.fromkeys(Side.values, 0)
        for platform in Platform.values
        if platform in platforms
    }
    rows = (
        Tweet.objects.filter(latest_versions(), account__in=accounts)
        .values("account__platform", "account__side")
        .annotate(posts=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["account__platform"]][row["account__side"]] = row["posts"]
    return counts


def replies_between(accounts):
    """[(from account, to account, replies)]: tweets answering another relay account."""
    pairs = [(a, b) for a in accounts for b in accounts if a.pk != b.pk]
    if not pairs:
        return []
    counts = Tweet.objects.filter(latest_versions()).aggregate(
        **{
            f"pair_{n}": Count("pk", filter=Q(account=a, in_reply_to_handle__iexact=b.handle))
            for n, (a, b) in enumerate(pairs)
        }
    )
    return [(a, b, counts[f"pair_{n}"]) for n, (a, b) in enumerate(pairs)]


def follower_history(accounts):
    """{account: [(date, followers)]} from the follower snapshots, oldest first."""
    history = {account.pk: [] for account in accounts}
    for snapshot in FollowerSnapshot.objects.order_by("date").values_list(
        "account_id", "date", "followers"
    ):
        history.setdefault(snapshot[0], []).append(snapshot[1:])
    return {account: history[account.pk] for account in accounts}


def guests_per_role_and_sector():
    """({role: guests}, {sector: guests}) over the guests of published weeks."""
    guests = Guest.objects.filter(pk__in=GuestSlot.objects.filter(page__live=True).values("guest"))
    roles, sectors = dict.fromkeys(Role.values, 0), dict.fromkeys(Sector.values, 0)
    for row in guests.values("role", "sector").annotate(guests=Count("pk")).order_by():
        roles[row["role"]] += row["guests"]
        sectors[row["sector"]] += row["guests"]
    return roles, sectors


def week_label(monday):
    iso = monday.isocalendar()
    return _("Week %(week)s, %(year)s") % {"week": iso.week, "year": iso.year}


def statistics_charts():
    """The charts of the statistics page, in the order shown."""
    accounts = list(RelayAccount.objects.order_by("side", "handle"))
    weekly = tweets_per_week()
    side_labels = dict(Side.choices)
    tweets_chart = LineChart(
        "tweets-per-week",
        _("Posts per week and side"),
        [
            Series(side_labels[side], [(monday, sides[side]) for monday, sides in weekly.items()])
            for side in Side.values
        ],
        category_label=_("Week"),
        date_label=week_label,
    )
    totals_chart = BarChart(
        "tweets-per-side",
        _("Posts per side"),
        [side_labels[side] for side in Side.values],
        [Series(_("Posts"), [sum(s[side] for s in weekly.values()) for side in Side.values])],
        category_label=_("Side"),
    )
    per_platform = posts_per_platform_and_side(accounts)
    platform_labels = dict(Platform.choices)
    platforms_chart = BarChart(
        "posts-per-platform",
        _("Posts per platform and side"),
        [platform_labels[platform] for platform in per_platform],
        [
            Series(side_labels[side], [sides[side] for sides in per_platform.values()])
            for side in Side.values
        ],
        category_label=_("Platform"),
    )
    replies = replies_between(accounts)
    replies_chart = BarChart(
        "replies-between-accounts",
        _("Replies between the relay accounts"),
        [
            _("@%(from)s to @%(to)s") % {"from": a.handle, "to": b.handle}
            for a, b, _count in replies
        ],
        [Series(_("Replies"), [count for _a, _b, count in replies])],
        category_label=_("Direction"),
    )
    followers_chart = LineChart(
        "followers",
        _("Followers over time"),
        [
            Series(f"@{account.handle}", points)
            for account, points in follower_history(accounts).items()
        ],
        category_label=_("Date"),
    )
    roles, sectors = guests_per_role_and_sector()
    role_labels, sector_labels = dict(Role.choices), dict(Sector.choices)
    roles_chart = BarChart(
        "guests-per-role",
        _("Guests per role"),
        [role_labels[role] for role in roles],
        [Series(_("Guests"), list(roles.values()))],
        category_label=_("Role"),
    )
    sectors_chart = BarChart(
        "guests-per-sector",
        _("Guests per sector"),
        [sector_labels[sector] for sector in sectors],
        [Series(_("Guests"), list(sectors.values()))],
        category_label=_("Sector"),
    )
    return [
        tweets_chart,
        totals_chart,
        platforms_chart,
        replies_chart,
        followers_chart,
        roles_chart,
        sectors_chart,
    ]
