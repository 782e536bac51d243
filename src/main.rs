#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (v2 and v3 alike; the crate names
/// no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Memory freed is given back to the system after 1 s, not 10 ms: a build frees and takes
    // the same pages again and again, and giving them back each time cost a tenth of the
    // build's time in system calls. Peak RSS grows ~5% at 100,000 resources (bench/README.md).
    // SAFETY: sets a plain integer option; no allocation depends on its old value.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000) };
    lectern::cli::run()
}
