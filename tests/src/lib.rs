//! Helpers for the end-to-end tests under `tests/tests/`.

pub mod browser;
pub mod lists;

use std::path::{Path, PathBuf};

/// The `listgate` binary built next to the running test
/// (`target/<profile>/deps/<test>` → `target/<profile>/listgate`).
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = dir.join(format!("listgate{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run scripts/test (it builds the binary first)",
        bin.display()
    );
    bin
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}
