//! Fuzz target: `touchbase::fuzzing::render_one` (see src/fuzzing.rs for the property).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(why) = touchbase::fuzzing::render_one(data) {
        panic!("{why}");
    }
});
