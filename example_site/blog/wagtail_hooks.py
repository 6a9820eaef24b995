import datetime

from wagtail import hooks

from .demo_posts import POSTS
from .models import BlogCategory, BlogIndexPage, BlogPage


@hooks.register("sochef_demo")
def create_demo_blog(site_root, log):
    """The example site's blog with its posts, most in the SOchef category."""
    categories = {
        slug: BlogCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in (("sochef", "SOchef"), ("arbetsmiljo", "Arbetsmiljö"))
    }
    index = BlogIndexPage.objects.child_of(site_root).filter(slug="blogg").first()
    if index is None:
        index = site_root.add_child(instance=BlogIndexPage(title="Blogg", slug="blogg"))
    existing = {post.slug: post for post in BlogPage.objects.child_of(index)}
    for slug, title, date, category_slugs, summary, paragraphs in POSTS:
        body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        post = existing.get(slug)
        if post is not None:
            if post.body == f"<p>{summary}</p>":  # the one line an older demo wrote
                post.body = body
                post.save_revision().publish()
                log(f"Blog post written out: {title}")
            continue
        day = datetime.date.fromisoformat(date)
        published = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
        post = BlogPage(
            title=title,
            slug=slug,
            date=day,
            author="Nils Östergren",
            summary=summary,
            body=body,
            categories=[categories[c] for c in category_slugs],
            # Live from its day, without a revision (as the demo's weeks): fast to create.
            live=True,
            first_published_at=published,
            last_published_at=published,
        )
        index.add_child(instance=post)
        log(f"Blog post created: {title}")
