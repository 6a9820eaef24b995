import datetime

from wagtail import hooks

from .models import BlogCategory, BlogIndexPage, BlogPage

POSTS = [
    (
        "sochef-startar",
        "Twitterstafetten SOchef startar",
        "2012-08-28",
        ["sochef"],
        "Chefer och skyddsombud gästtwittrar en vecka i stöten "
        "på @ArbetsmiljoChef och @Skyddsombud.",
    ),
    (
        "femton-par",
        "15 chefer och 15 skyddsombud har gästtwittrat",
        "2013-04-15",
        ["sochef"],
        "En halvtidsrapport från experimentet – och varför det är svårt att värva chefer.",
    ),
    (
        "facebookgruppen",
        "SO CHEF finns nu även på Facebook",
        "2013-06-03",
        ["sochef"],
        "I Facebook-gruppen finns mer textutrymme för att ställa och besvara frågor.",
    ),
    (
        "buller-i-forskolan",
        "Buller i förskolan",
        "2013-10-21",
        ["arbetsmiljo"],
        "Ett inlägg utanför SOchef-kategorin, om ljudmiljö för barn och personal.",
    ),
]


@hooks.register("sochef_demo")
def create_demo_blog(site_root, log):
    """The example site's blog with a few posts in the SOchef category."""
    categories = {
        slug: BlogCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in (("sochef", "SOchef"), ("arbetsmiljo", "Arbetsmiljö"))
    }
    index = BlogIndexPage.objects.child_of(site_root).filter(slug="blogg").first()
    if index is None:
        index = site_root.add_child(instance=BlogIndexPage(title="Blogg", slug="blogg"))
    existing = set(BlogPage.objects.child_of(index).values_list("slug", flat=True))
    for slug, title, date, category_slugs, summary in POSTS:
        if slug in existing:
            continue
        post = BlogPage(
            title=title,
            slug=slug,
            date=datetime.date.fromisoformat(date),
            author="Nils Östergren",
            summary=summary,
            body=f"<p>{summary}</p>",
            categories=[categories[c] for c in category_slugs],
        )
        index.add_child(instance=post)
        post.save_revision().publish()
        log(f"Blog post created: {title}")
