//! `cargo run -p generator`: plugins.toml → plugin crates in plugins/ →
//! release builds → .vst3 bundles and .clap files; `--help` lists the other
//! commands. The work is `generator-core`'s, so that a project `new` makes
//! has the same binary, one line long, in its own workspace.

fn main() -> std::process::ExitCode {
    generator_core::app::main()
}
