//! Helpers shared by the integration tests.

use std::path::Path;

use assert_cmd::Command;

/// Build the site of the notes folder `notes` (relative to the crate) into a temporary
/// folder (`<tmp>/site`), as of 2026-11-22, in `lang`. Panics if the build fails.
pub fn build_site(notes: &str, lang: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let notes = Path::new(env!("CARGO_MANIFEST_DIR")).join(notes);
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .args(["build", notes.to_str().unwrap(), "--out"])
        .arg(dir.path().join("site"))
        .args(["--today", "2026-11-22", "--lang", lang])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}
