//! The YAML path: any bytes through parse, validation, lints and printing, without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podlab::manifest::{self, ManifestObject};

fuzz_target!(|data: &[u8]| {
    let parsed = manifest::parse_bytes(data);
    for m in &parsed.objects {
        let _ = manifest::validate(m);
        // What parses prints, and prints back to the same object.
        if let ManifestObject::Object(o) = &m.object {
            let yaml = manifest::to_yaml(o).expect("a parsed object prints");
            let again = manifest::parse(&yaml);
            let back: Vec<&ManifestObject> = again.objects.iter().map(|m| &m.object).collect();
            assert_eq!(back, [&m.object], "round trip of\n{yaml}");
            let _ = manifest::to_json(o);
        }
    }
    let _ = manifest::lint(&parsed.objects, &[]);
});
