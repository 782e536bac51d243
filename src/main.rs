fn main() -> std::process::ExitCode {
    lectern::cli::run()
}
