//! Scenario files: any bytes load or give errors with a place; small ones that load also run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podlab::scenario::{transcript, Scenario};

fuzz_target!(|data: &[u8]| {
    match Scenario::parse_bytes(data) {
        Ok(s) => {
            // Running is covered for short, small scenarios; long ones only load.
            let end = s.until_ms.or(s.script.last().map(|e| e.at_ms)).unwrap_or(0);
            if s.nodes.len() <= 5 && end <= 600_000 && s.script.len() <= 16 {
                let t = transcript(&s, None).expect("a loaded scenario builds");
                assert!(t.lines().last().is_some_and(|l| l.starts_with("digest ")));
            }
        }
        Err(errors) => assert!(!errors.is_empty()),
    }
});
