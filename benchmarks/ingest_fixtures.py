"""Record counts of the real export files in ../shared/fixtures/citations against
the counts their README states. Prints one line per file and exits 1 on a mismatch.

    .venv/bin/python benchmarks/ingest_fixtures.py [FIXTURE_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workflow"))

from reviewflow.errors import ReviewflowError  # noqa: E402
from reviewflow.ingest import load  # noqa: E402

# As stated in shared/fixtures/citations/README.md, except the two EndNote tagged files:
# the README counts their %0 lines, but they hold records without %0 (tables of
# contents, indexes); colrev's own expected parses beside them hold 3 and 6 records.
EXPECTED = {
    "rispy/example_bom.ris": 1,
    "rispy/example_extraneous_data.ris": 2,
    "rispy/example_full.ris": 2,
    "rispy/example_multiline.ris": 3,
    "rispy/example_utf_chars.ris": 1,
    "rispy/example_wos.ris": 2,
    "synthesisr/ASP_ris_example.ris": 4,
    "synthesisr/Ovid_ris_example.ris": 4,
    "synthesisr/PubMed_example.txt": 3,
    "synthesisr/Scopus_bib_example.bib": 3,
    "synthesisr/Scopus_ris_example.ris": 3,
    "synthesisr/WoS_ciw_example.ciw": 5,
    "synthesisr/WoS_txt_example.txt": 4,
    "synthesisr/citesource_issue_24.ris": 17,
    "synthesisr/res_synth_methods.txt": 2,
    "nbib/single.nbib": 1,
    "nbib/pmc_medlars.txt": 5,
    "colrev/2_loader/bib_data.bib": 6,
    "colrev/2_loader/enl_data.enl": 3,
    "colrev/2_loader/nbib_data.nbib": 1,
    "colrev/2_loader/ris_data.ris": 2,
    "colrev/3_packages_search/ais_enl.txt": 6,
    "colrev/3_packages_search/ebsco_bib.bib": 2,
    "colrev/3_packages_search/eric_nbib.nbib": 1,
    "colrev/3_packages_search/jstor_ris.ris": 4,
    "colrev/3_packages_search/psycinfo_ris.ris": 1,
    "colrev/3_packages_search/scopus_bib.bib": 11,
    "colrev/3_packages_search/web_of_science_bib.bib": 2,
}


def main(root: Path) -> int:
    failures = 0
    for name, expected in EXPECTED.items():
        try:
            records, rejected = load(root / name, source="fixture", search="check", on_error="skip")
            got = len(records) + len(rejected)  # every record found, read or set aside
            note = (
                f" ({len(rejected)} set aside: {'; '.join(sorted(set(rejected['reason'])))})" if len(rejected) else ""
            )
        except ReviewflowError as error:
            got, note = -1, f"; error: {error}"
        ok = got == expected
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {got} found of {expected}{note}")
    print(f"{len(EXPECTED) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "citations"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
