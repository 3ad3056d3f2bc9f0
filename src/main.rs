//! The `itsm` binary: parses the command line, runs one command, maps its outcome
//! to the exit code (0 clean, 1 findings, 2 could not do the job).

mod cli;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    std::panic::set_hook(Box::new(|info| {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("error: internal error in itsm (this is a bug, please report it): {info}");
        }
    }));
    match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(Ok(status)) => status.into(),
        Ok(Err(e)) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("{}", cli::fatal(&e));
            }
            cli::Status::Failure.into()
        }
        Err(_) => cli::Status::Failure.into(),
    }
}
