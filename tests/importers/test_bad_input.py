"""Bad or hostile input is refused with the file and line, and nothing is written (database or media)."""

import os

import pytest
from django.core.management.base import CommandError

from esfomo.models import Edition
from people.models import Person

from .conftest import TINY_CARD, TINY_HOME, TINY_OPTIONS, counts, jpeg, run_import, stored_files, write_site

pytestmark = pytest.mark.django_db


def refused(site, media_root, *expected):
    """Import `site`, expect it refused with messages containing `expected`; nothing may be written."""
    before, files = counts(), stored_files(media_root)
    with pytest.raises(CommandError) as error:
        run_import(site, *TINY_OPTIONS)
    message = str(error.value)
    for text in expected:
        assert text in message
    assert "Nothing was imported." in message
    assert counts() == before
    assert stored_files(media_root) == files
    return message


def test_the_small_site_itself_imports(tmp_path):
    output = run_import(write_site(tmp_path), *TINY_OPTIONS)
    assert "people: 1 created" in output and "sessions: 3 created" in output
    assert Person.objects.get(slug="ann-lee").photo


def test_malformed_front_matter_is_reported_at_its_line(tmp_path, media_root):
    card = TINY_CARD.replace("description: Test University", "description: [Test University")
    refused(write_site(tmp_path, {"_projects/ann.md": card}), media_root, "_projects/ann.md:4:", "YAML cannot be read")


def test_front_matter_that_never_ends_is_reported(tmp_path, media_root):
    card = TINY_CARD.rstrip().removesuffix("---")
    refused(write_site(tmp_path, {"_projects/ann.md": card}), media_root, "_projects/ann.md:1:", "never closed")


def test_front_matter_that_is_a_list_is_reported(tmp_path, media_root):
    refused(write_site(tmp_path, {"_projects/ann.md": "---\n- a\n- b\n---\n"}), media_root, "_projects/ann.md:2:")


def test_a_card_without_a_name_is_reported(tmp_path, media_root):
    refused(
        write_site(tmp_path, {"_projects/x.md": "---\nimportance: 2\n---\n"}),
        media_root,
        "_projects/x.md",
        "names nobody",
    )


def test_an_importance_that_is_no_number_is_reported_at_its_line(tmp_path, media_root):
    card = TINY_CARD.replace("importance: 1", "importance: first")
    refused(
        write_site(tmp_path, {"_projects/ann.md": card}),
        media_root,
        "_projects/ann.md:7:",
        "“importance” must be a number",
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("| 25:99pm | **Lunch** | |", "is not a time of day"),
        ("| 8:00am | **Lunch** | |", "before the row above it"),
        ("| 10:00am | **Lunch** | | surplus |", "a “|” too many"),
        ("| | **Lunch** | |", "has no time"),
    ],
)
def test_a_broken_schedule_row_is_reported_at_its_line(tmp_path, media_root, row, message):
    home = TINY_HOME + row + "\n"
    line = home.count("\n")
    refused(write_site(tmp_path, {"_pages/about.md": home}), media_root, f"_pages/about.md:{line}:", message)


def test_a_table_without_its_separator_line_is_reported(tmp_path, media_root):
    home = TINY_HOME.replace("|--|-------|---------|\n", "")
    line = home.split("\n").index("|  | Topic | Speaker |") + 1
    refused(
        write_site(tmp_path, {"_pages/about.md": home}), media_root, f"_pages/about.md:{line}:", "no “|---|---|” line"
    )


def test_a_corrupt_image_is_a_warning_and_the_import_goes_on(tmp_path):
    site = write_site(tmp_path, {"assets/img/ann.jpg": b"\xff\xd8\xff\xe0 not really a jpeg " * 20})
    output = run_import(site, *TINY_OPTIONS)
    assert "_projects/ann.md:5: assets/img/ann.jpg: The file is not a readable image" in output
    assert "Ann Lee is imported without it" in output
    assert not Person.objects.get(slug="ann-lee").photo
    assert "images: 1 refused" in output


def test_a_missing_image_is_a_warning_and_the_import_goes_on(tmp_path):
    site = write_site(tmp_path)
    (site / "assets/img/ann.jpg").unlink()
    output = run_import(site, *TINY_OPTIONS)
    assert "_projects/ann.md:5: the image assets/img/ann.jpg is not in the checkout" in output
    assert Person.objects.filter(slug="ann-lee").exists()


def test_the_image_extension_case_does_not_matter(tmp_path):
    site = write_site(tmp_path)
    (site / "assets/img/ann.jpg").rename(site / "assets/img/ann.JPG")
    run_import(site, *TINY_OPTIONS)
    assert Person.objects.get(slug="ann-lee").photo


def test_binary_garbage_instead_of_a_page_is_refused(tmp_path, media_root):
    garbage = bytes(range(256)) * 8
    refused(write_site(tmp_path, {"_projects/ann.md": garbage}), media_root, "_projects/ann.md:1:", "binary data")


def test_text_that_is_not_utf8_is_refused_at_its_line(tmp_path, media_root):
    card = TINY_CARD.replace("Test University", "Universit\xe9").encode("latin-1")
    refused(write_site(tmp_path, {"_projects/ann.md": card}), media_root, "_projects/ann.md:4:", "not UTF-8")


def test_an_enormous_name_is_refused_at_its_card(tmp_path, media_root):
    card = TINY_CARD.replace("<b>Ann</b> <br> Lee", "<b>" + "Ann" * 5000 + "</b> <br> Lee")
    refused(write_site(tmp_path, {"_projects/ann.md": card}), media_root, "_projects/ann.md:3:", "at most 300")


def test_a_name_just_too_long_for_the_database_is_refused_at_its_card(tmp_path, media_root):
    card = TINY_CARD.replace("<b>Ann</b> <br> Lee", "<b>Ann</b> <br> " + "Lee" * 40)
    refused(
        write_site(tmp_path, {"_projects/ann.md": card}), media_root, "_projects/ann.md:3:", "at most 100 characters"
    )


def test_an_enormous_line_is_refused_at_its_line(tmp_path, media_root):
    home = TINY_HOME.replace("A small workshop about **tests**.", "[a](" * 10_000)
    refused(write_site(tmp_path, {"_pages/about.md": home}), media_root, "_pages/about.md:10:", "at most 20,000")


def test_an_enormous_schedule_cell_is_refused_at_its_row(tmp_path, media_root):
    home = TINY_HOME.replace("Ann Lee: On testing", "Ann Lee: " + "very " * 1000)
    refused(write_site(tmp_path, {"_pages/about.md": home}), media_root, "_pages/about.md:18:", "at most 2,000")


def test_deeply_nested_yaml_is_refused(tmp_path, media_root):
    card = "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n"
    refused(write_site(tmp_path, {"_projects/deep.md": card}), media_root, "_projects/deep.md:2:")


def test_a_card_that_links_to_a_file_outside_the_checkout_is_refused(tmp_path, media_root):
    (tmp_path / "elsewhere.md").write_text(TINY_CARD)
    site = write_site(tmp_path / "site")
    os.symlink(tmp_path / "elsewhere.md", site / "_projects" / "linked.md")
    refused(site, media_root, "_projects/linked.md", "outside the checkout")


def test_an_enormous_file_is_refused(tmp_path, media_root):
    card = TINY_CARD.replace("Test University", "x" * 2_000_000)
    refused(write_site(tmp_path, {"_projects/ann.md": card}), media_root, "_projects/ann.md", "at most 1 MB")


def test_yaml_aliases_are_refused_before_they_can_expand(tmp_path, media_root):
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b]\n---\n"
    refused(write_site(tmp_path, {"_projects/bomb.md": bomb}), media_root, "_projects/bomb.md:3:", "aliases")


@pytest.mark.parametrize(
    "reference", ["../../../../etc/hostname", "assets/../../outside.jpg", "assets/img/../../../x.jpg"]
)
def test_an_image_path_leading_out_of_the_checkout_is_refused(tmp_path, media_root, reference):
    (tmp_path / "outside.jpg").write_bytes(jpeg())
    site = write_site(tmp_path / "site", {"_projects/ann.md": TINY_CARD.replace("assets/img/ann.jpg", reference)})
    refused(site, media_root, "_projects/ann.md:5:", "leads outside the site's folder")


def test_a_symbolic_link_out_of_the_checkout_is_refused(tmp_path, media_root):
    (tmp_path / "secret.jpg").write_bytes(jpeg())
    site = write_site(tmp_path / "site")
    (site / "assets/img/ann.jpg").unlink()
    os.symlink(tmp_path / "secret.jpg", site / "assets/img/ann.jpg")
    refused(site, media_root, "_projects/ann.md:5:", "leads outside the site's folder")


def test_an_absolute_image_path_means_the_sites_root_not_the_machines(tmp_path):
    site = write_site(tmp_path, {"_projects/ann.md": TINY_CARD.replace("assets/img/ann.jpg", "/etc/hostname")})
    output = run_import(site, *TINY_OPTIONS)
    assert "the image /etc/hostname is not in the checkout" in output
    assert not Person.objects.get(slug="ann-lee").photo


def test_a_failure_late_in_the_import_leaves_no_photo_behind(tmp_path, media_root):
    # The card (with its photo) is written before the schedule, whose title is too long to save.
    home = TINY_HOME.replace("**Coffee break**", "**Coffee break " + "and more " * 30 + "**")
    message = refused(write_site(tmp_path, {"_pages/about.md": home}), media_root, "_pages/about.md:19:")
    assert "at most 200 characters" in message
    assert not Edition.objects.filter(year=2031).exists()


def test_a_folder_that_is_no_site_is_refused(tmp_path):
    with pytest.raises(CommandError, match="found no homepage"):
        run_import(tmp_path, *TINY_OPTIONS)
    with pytest.raises(CommandError, match="is not a folder"):
        run_import(tmp_path / "missing", *TINY_OPTIONS)


def test_a_new_edition_needs_its_day_when_the_site_does_not_give_it(tmp_path, media_root):
    before = counts()
    with pytest.raises(CommandError, match="pass --date 2031-MM-DD"):
        run_import(write_site(tmp_path), "--time-zone", "America/Vancouver")
    assert counts() == before
