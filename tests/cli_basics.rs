//! The native `podlab` binary answers `--help` and `--version` like any CLI.

use std::process::Command;

fn podlab(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_podlab"))
        .args(args)
        .output()
        .expect("podlab runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn version_prints_the_crate_version() {
    let (ok, text) = podlab(&["--version"]);
    assert!(ok);
    assert_eq!(text, format!("podlab {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_describes_the_tool() {
    let (ok, text) = podlab(&["--help"]);
    assert!(ok);
    assert!(text.contains("Usage: podlab"), "{text}");
    assert!(text.contains("--version"), "{text}");
    // It offers the commands that exist, and only those.
    for command in ["run ", "check ", "grade ", "schema "] {
        assert!(text.contains(command), "help lacks {command:?}:\n{text}");
    }
    assert!(!text.contains("serve"), "{text}");
}

#[test]
fn check_and_grade_have_their_own_help() {
    let (ok, text) = podlab(&["check", "--help"]);
    assert!(ok);
    assert!(text.contains("Usage: podlab check"), "{text}");
    assert!(text.contains("--results <DIR>"), "{text}");
    let (ok, text) = podlab(&["grade", "--help"]);
    assert!(ok);
    assert!(
        text.contains("Usage: podlab grade <PACK> <RESULT>"),
        "{text}"
    );
}

#[test]
fn an_unknown_flag_fails_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_podlab"))
        .arg("--no-such-flag")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-such-flag"));
}
