"""The distribution: what the wheel carries, and a pip install into a brand-new Wagtail site."""

import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The wheel and the new site (its own SQLite database) are the same whatever the suite's database;
# both tests share one build, so they go to one pytest-xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.db_independent, pytest.mark.xdist_group("packaging")]
#: What a checkout holds besides its sources: environments, caches, builds.
NOT_SOURCES = (
    ".git",
    ".venv*",
    "node_modules",
    ".venvs",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The wheel and sdist, built from a copy of the sources: the build writes its staging
    directory and egg-info into the tree it builds, and two builds of one tree (two passes or
    workers at once) take each other's files away."""
    source = tmp_path_factory.mktemp("source") / "sochef_wagtail"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    if built.returncode:
        pytest.fail(f"python -m build failed ({built.returncode}):\n{built.stderr[-3000:]}")
    return out


def test_wheel_and_sdist_carry_templates_static_locale_and_migrations(dist):
    wheel = zipfile.ZipFile(next(dist.glob("*.whl"))).namelist()
    sdist = tarfile.open(next(dist.glob("*.tar.gz"))).getnames()
    for wanted in [
        "sochef_wagtail/templates/sochef_wagtail/pages/guest_week_page.html",
        "sochef_wagtail/templates/sochef_wagtail/pages/guest_week_index_page.html",
        "sochef_wagtail/static/sochef_wagtail/css/sochef.css",
        "sochef_wagtail/locale/sv/LC_MESSAGES/django.po",
        "sochef_wagtail/locale/sv/LC_MESSAGES/django.mo",
        "sochef_wagtail/locale/en/LC_MESSAGES/django.mo",
        "sochef_wagtail/migrations/0001_initial.py",
    ]:
        assert wanted in wheel, wanted
        assert any(name.endswith(wanted) for name in sdist), wanted
    assert not any(name.startswith(("example_site/", "tests/")) for name in wheel)


def test_sdist_carries_the_docs_and_the_wheel_does_not(dist):
    sdist = tarfile.open(next(dist.glob("*.tar.gz"))).getnames()
    wheel = zipfile.ZipFile(next(dist.glob("*.whl"))).namelist()
    pages = [p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")]
    for wanted in ["mkdocs.yml", *pages]:
        assert any(name.endswith("/" + wanted) for name in sdist), wanted
    assert not any(name.startswith("docs/") for name in wheel)


def readme_python_block(heading):
    """The first ```python block after `heading` in the README."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index(heading) :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_pip_install_into_a_new_wagtail_site(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"

    # The new site has its own settings and SQLite database.
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }

    def run(*args, cwd=tmp_path):
        result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run(str(python), "-m", "pip", "install", "--quiet", str(next(dist.glob("*.whl"))))
    run(str(venv / "bin" / "wagtail"), "start", "mysite")
    site = tmp_path / "mysite"
    settings = site / "mysite" / "settings" / "base.py"
    # Apply the README's installation steps exactly as written.
    apps = re.findall(r'^\s+"([\w.]+)",', readme_python_block("### INSTALLED_APPS"), re.M)
    assert apps, "README lists the apps to install"
    text = settings.read_text().replace(
        "INSTALLED_APPS = [", "INSTALLED_APPS = [\n" + "".join(f'    "{a}",\n' for a in apps), 1
    )
    settings.write_text(text + "\n" + readme_python_block("### Settings"))
    manage = [str(python), "manage.py"]
    run(*manage, "migrate", "--verbosity", "0", cwd=site)
    run(*manage, "check", "--fail-level", "WARNING", cwd=site)
    script = textwrap.dedent(
        """
        import datetime
        from django.test import Client
        from wagtail.models import Site
        from sochef_wagtail.models import Guest, GuestWeekIndexPage, GuestWeekPage, RelayAccount

        root = Site.objects.get(is_default_site=True).root_page
        index = root.add_child(instance=GuestWeekIndexPage(title="SOchef", slug="sochef"))
        account = RelayAccount.objects.create(handle="Skyddsombud", display_name="S", side="worker")
        guest = Guest.objects.create(name="Bo Eriksson", role="safety_rep", sector="public")
        week = GuestWeekPage(title="Premiär", slug="premiar", week_start=datetime.date(2012, 9, 3))
        week.slots.add(week.slots.model(account=account, guest=guest))
        index.add_child(instance=week)
        client = Client()
        for page in (week, index):
            response = client.get(page.url, HTTP_HOST="localhost")
            assert response.status_code == 200, response.status_code
            assert "Bo Eriksson" in response.content.decode()
        print("rendered")
        """
    )
    assert "rendered" in run(*manage, "shell", "-c", script, cwd=site)
