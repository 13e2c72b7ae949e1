"""The cache of the checked content (kiosk/core/content/cache.py): a second start reads it, and
anything the check depended on that changed makes the kiosk read and check the content in
full, so a cache never shows what the check would refuse."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import kiosk
import kiosk.core.i18n
from kiosk.core.content import ContentError
from kiosk.core.content.cache import FILE_NAME, QUIET_SECONDS, ContentCache
from kiosk.core.i18n import load_localized
from kiosk.core.record import replace
from kiosk.paths import bundled_content

SHIPPED = bundled_content().parent
FILES = [
    "content.yaml",
    "resources/logo.svg",
    "resources/check.svg",
    "resources/languages/es.yaml",
    "resources/languages/zh.yaml",
    "resources/languages/ar.yaml",
]
FIRST_SECTION_ENDS = '    - heading: "How Does Ketamine Drug Help with Depression?"'


def later() -> float:
    """Now, for files written by the test a moment ago: long enough after them to cache."""
    return time.time() + QUIET_SECONDS + 60


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The shipped content, its language files and logo, and a picture in its first section,
    in a folder of their own: the content file's path."""
    folder = tmp_path / "site"
    for name in FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED / name, folder / name)
    path = folder / "content.yaml"
    text = path.read_text(encoding="utf-8")
    assert FIRST_SECTION_ENDS in text
    picture = '      image: resources/check.svg\n      image_description: "A tick"\n'
    path.write_text(text.replace(FIRST_SECTION_ENDS, picture + FIRST_SECTION_ENDS), "utf-8")
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture
def full_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The content files read and checked in full (not from the cache)."""
    reads: list[Path] = []

    def counted(path: Path):  # type: ignore[no-untyped-def]
        reads.append(path)
        return load_localized(path)

    monkeypatch.setattr(kiosk.core.i18n, "load_localized", counted)
    return reads


def cached(site: Path, data: Path) -> ContentCache:
    """A kiosk's first start: the content read in full and its cache written."""
    cache = ContentCache(data, now=later)
    cache.load(site)
    assert "content cache written" in cache.save()
    return cache


def test_the_next_start_reads_the_content_from_its_cache_as_it_was_checked(
    site: Path, data: Path, full_reads: list[Path]
) -> None:
    first = ContentCache(data, now=later)
    content = first.load(site)
    assert first.save() == f"content cache written ({data / FILE_NAME})"
    assert stat.S_IMODE((data / FILE_NAME).stat().st_mode) == 0o600
    assert full_reads == [site]

    again = ContentCache(data, now=later)
    from_cache = again.load(site)
    assert full_reads == [site]  # not read again
    assert again.from_cache
    assert again.save() == f"content read from its cache ({data / FILE_NAME})"
    assert from_cache == content
    assert from_cache.article.sections[0].image == site.parent / "resources/check.svg"
    # The program's words come from their catalogues again, in every language.
    spanish = next(t for t in from_cache.translations if t.language.code == "es")
    before = next(t for t in content.translations if t.language.code == "es")
    assert spanish.words.tr("Accessibility") == before.words.tr("Accessibility") != "Accessibility"


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Change ``path``'s text without changing its size or its modification time."""
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_a_changed_content_file_is_read_in_full_even_at_the_same_size_and_time(
    site: Path, data: Path, full_reads: list[Path]
) -> None:
    cached(site, data)
    _same_size_edit(site, "Bayside Wellness Clinic", "Bayside Wellness Clinix")
    content = ContentCache(data, now=later).load(site)
    assert full_reads == [site, site]
    assert content.clinic.name == "Bayside Wellness Clinix"


def test_a_changed_language_file_is_read_in_full(
    site: Path, data: Path, full_reads: list[Path]
) -> None:
    cached(site, data)
    spanish_file = site.parent / "resources/languages/es.yaml"
    text = spanish_file.read_text(encoding="utf-8")
    spanish_file.write_text(text.replace("Esta es información general", "Texto cambiado"), "utf-8")
    content = ContentCache(data, now=later).load(site)
    assert full_reads == [site, site]
    spanish = next(t for t in content.translations if t.language.code == "es")
    assert spanish.notices.disclaimer.startswith("Texto cambiado, no un consejo médico.")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda folder: (folder / "resources/logo.svg").write_text("not an image"),
            id="logo-no-longer-an-image",
        ),
        pytest.param(
            lambda folder: (folder / "resources/check.svg").unlink(), id="section-image-deleted"
        ),
        pytest.param(
            lambda folder: (folder / "resources/languages/zh.yaml").unlink(),
            id="language-file-deleted",
        ),
        pytest.param(
            lambda folder: (folder / "content.yaml").write_text("clinic: [", encoding="utf-8"),
            id="content-file-broken",
        ),
    ],
)
def test_what_the_check_would_now_refuse_is_refused_not_taken_from_the_cache(
    site: Path, data: Path, damage: Callable[[Path], object]
) -> None:
    cached(site, data)
    damage(site.parent)
    cache = ContentCache(data, now=later)
    with pytest.raises(ContentError):
        cache.load(site)
    assert not cache.from_cache


@pytest.mark.parametrize("change", ["home", "program", "path"])
def test_another_home_program_or_path_reads_in_full(
    site: Path,
    data: Path,
    full_reads: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    change: str,
) -> None:
    cached(site, data)
    path = site
    if change == "home":  # the export folder is ~/clinic-kiosk-exports
        monkeypatch.setenv("HOME", str(tmp_path / "another-home"))
    elif change == "program":
        monkeypatch.setattr(kiosk, "__version__", kiosk.__version__ + ".another")
    else:  # the same file by another path
        monkeypatch.chdir(site.parent)
        path = Path("content.yaml")
    cache = ContentCache(data, now=later)
    content = cache.load(path)
    assert not cache.from_cache
    assert full_reads == [site, path]
    if change == "home":
        assert content.staff.export_folder == tmp_path / "another-home/clinic-kiosk-exports"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"not a pickle at all", id="garbage"),
        pytest.param(None, id="cut-short"),
        pytest.param(pickle.dumps(({"format": 1}, "not content")), id="not-content"),
    ],
)
def test_a_damaged_cache_is_read_past_and_written_again(
    site: Path, data: Path, full_reads: list[Path], damage: bytes | None
) -> None:
    cached(site, data)
    whole = (data / FILE_NAME).read_bytes()
    (data / FILE_NAME).write_bytes(whole[: len(whole) // 2] if damage is None else damage)
    cache = ContentCache(data, now=later)
    cache.load(site)
    assert full_reads == [site, site]
    assert "content cache written" in cache.save()
    assert (data / FILE_NAME).read_bytes() != (damage or b"")
    assert ContentCache(data, now=later).load(site) is not None
    assert full_reads == [site, site]  # the rewritten cache is used


class _RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("what", ["code", "function", "other-class"])
def test_a_cache_that_would_build_anything_but_the_content_is_refused(
    site: Path, data: Path, full_reads: list[Path], tmp_path: Path, what: str
) -> None:
    """Only the content's records and paths may come out of the file: nothing in it is
    run, and the content is then read in full."""
    cached(site, data)
    marker = tmp_path / "ran"
    payload: object = {
        "code": _RunsCode(marker),
        "function": kiosk.core.i18n.localize,
        "other-class": ContentCache(data),
    }[what]
    (data / FILE_NAME).write_bytes(pickle.dumps(({"format": 1}, payload)))
    cache = ContentCache(data, now=later)
    cache.load(site)
    assert not cache.from_cache
    assert full_reads == [site, site]
    assert not marker.exists()


def test_a_file_changed_while_it_was_read_is_not_cached(site: Path, data: Path) -> None:
    """A save during the read could have been read half-way: the next start caches it."""
    changed_at = site.stat().st_ctime
    cache = ContentCache(data, now=lambda: changed_at + QUIET_SECONDS / 2)
    cache.load(site)
    assert cache.save() == (
        f"content cache not written: {site} changed while it was read; the next start writes it"
    )
    assert not (data / FILE_NAME).exists()


@pytest.mark.parametrize("gone", ["resources/check.svg", "resources/languages/es.yaml"])
def test_a_file_gone_after_the_full_read_is_not_cached(site: Path, data: Path, gone: str) -> None:
    """The check found it; a cache written without it would let the next start skip the check
    that now refuses the content."""
    cache = ContentCache(data, now=later)
    cache.load(site)
    (site.parent / gone).unlink()
    assert cache.save() == (
        f"content cache not written: {site.parent / gone} is not a regular file"
    )
    assert not (data / FILE_NAME).exists()
    with pytest.raises(ContentError):
        ContentCache(data, now=later).load(site)


def test_a_fifo_in_place_of_the_content_file_is_refused_without_waiting(
    site: Path, data: Path
) -> None:
    """Nothing writes to it: reading it as a file would hang the start for ever."""
    cached(site, data)
    site.unlink()
    os.mkfifo(site)
    with pytest.raises(ContentError, match="FIFO"):
        ContentCache(data, now=later).load(site)


def test_a_fifo_in_place_of_the_cache_is_read_past_without_waiting(
    site: Path, data: Path, full_reads: list[Path]
) -> None:
    os.mkfifo(data / FILE_NAME)
    cache = ContentCache(data, now=later)
    assert cache.load(site).clinic.name == "Bayside Wellness Clinic"
    assert full_reads == [site]


@pytest.fixture
def no_zone_data(tmp_path: Path) -> Iterator[None]:
    """This machine's time zone data gone (an upgrade that drops a name, say). Zones already
    loaded in this process stay in zoneinfo's own cache: a kiosk starting has none."""
    empty = tmp_path / "no-zones"
    empty.mkdir()
    zoneinfo.reset_tzpath(to=[str(empty)])
    yield
    zoneinfo.reset_tzpath()


def test_a_time_zone_the_machine_no_longer_knows_is_checked_in_full(
    site: Path, data: Path, full_reads: list[Path], request: pytest.FixtureRequest
) -> None:
    cached(site, data)  # staff.time_zone: America/New_York
    request.getfixturevalue("no_zone_data")
    cache = ContentCache(data, now=later)
    cache.load(site)
    assert not cache.from_cache
    assert full_reads == [site, site]


def test_an_empty_home_is_not_an_unset_one(
    site: Path, data: Path, full_reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unset, ~ is the account's home (from passwd); empty, it is /."""
    monkeypatch.delenv("HOME", raising=False)
    cached(site, data)
    monkeypatch.setenv("HOME", "")
    content = ContentCache(data, now=later).load(site)
    assert full_reads == [site, site]
    assert content.staff.export_folder == Path("/clinic-kiosk-exports")


def test_the_program_or_the_content_file_changed_during_the_read_is_not_cached(
    site: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with a clock that says the change was long before (set back, or on a file system
    whose times cannot be trusted): what it was when the read began is compared too."""
    cache = ContentCache(data, now=later)
    cache.load(site)
    _same_size_edit(site, "Bayside Wellness Clinic", "Bayside Wellness Clinix")
    assert cache.save() == (
        f"content cache not written: {site} changed while it was read; the next start writes it"
    )
    cache = ContentCache(data, now=later)
    cache.load(site)
    monkeypatch.setattr(kiosk, "__version__", kiosk.__version__ + ".updated")
    assert cache.save() == (
        "content cache not written: the program changed while the content was read"
    )
    assert not (data / FILE_NAME).exists()


def test_a_cache_that_shares_one_object_many_times_is_read_at_once(site: Path, data: Path) -> None:
    """A doctored cache of a few kilobytes must not make the start walk 2**60 objects (it
    would hang), nor such content the walk that writes a cache; each object is looked at once."""
    from kiosk.core.content.cache import _depends_on, _Pickler  # the file's own format

    cached(site, data)
    content = ContentCache(data, now=later).load(site)
    shared: object = ("en", "English")
    for _ in range(60):
        shared = (shared, shared)
    doctored = replace(content, language_names=shared)  # type: ignore[arg-type]
    with open(data / FILE_NAME, "wb") as stream:
        _Pickler(stream).dump(({"format": 1}, doctored))
    assert len((data / FILE_NAME).read_bytes()) < 100_000
    ContentCache(data, now=later).load(site)
    assert _depends_on(doctored)[2] == {"America/New_York"}


def test_a_content_error_is_not_cached(site: Path, data: Path) -> None:
    site.write_text("clinic: [", encoding="utf-8")
    cache = ContentCache(data, now=later)
    with pytest.raises(ContentError):
        cache.load(site)
    assert cache.save() == "no content read"
    assert not (data / FILE_NAME).exists()


def test_a_cache_that_cannot_be_written_is_said_and_nothing_else_fails(
    site: Path, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    cache = ContentCache(not_a_folder, now=later)
    content = cache.load(site)
    assert content.clinic.name == "Bayside Wellness Clinic"
    assert cache.save().startswith(f"content cache not written to {not_a_folder / FILE_NAME}: ")
