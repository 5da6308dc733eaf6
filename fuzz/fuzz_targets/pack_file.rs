//! Exercise packs: any bytes load or give errors with a place; small exercises that load also
//! start, run a minute under watch, and give a result that reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podlab::pack::attempt::Attempt;
use podlab::pack::result::ResultRecord;
use podlab::pack::Pack;

fuzz_target!(|data: &[u8]| {
    match Pack::parse_bytes(data) {
        Ok(pack) => {
            for ex in pack.exercises.iter().take(3) {
                let small = ex.setup.nodes.len() <= 5
                    && ex.start_ms() <= 600_000
                    && ex.setup.script.len() <= 16;
                if !small {
                    continue;
                }
                let mut a = Attempt::start(ex, u64::MAX).expect("a loaded setup builds");
                a.run_for(60_000);
                a.finish_here();
                let checks = ex.checks().count();
                assert_eq!(a.watch().verdicts().len(), checks);
                let r = ResultRecord::of(&pack, ex, &a);
                assert_eq!(ResultRecord::parse(&r.to_json()).as_ref(), Ok(&r));
            }
        }
        Err(errors) => assert!(!errors.is_empty()),
    }
});
