//! `cors-doctor`: checks a server's CORS answers the way a browser does.
//!
//! ```text
//! cors-doctor URL --origin ORIGIN [--method METHOD] [--header NAME[: VALUE]]...
//!             [--credentials] [--json]
//! ```
//!
//! It decides whether the request needs a preflight, sends the preflight a
//! browser would send, applies the browser's checks, sends the request
//! itself, and reports which response headers a script could read. For a
//! blocked request it names the failed check, the console message of
//! Chromium, Firefox and Safari, and the fix (for tower-cors, the builder
//! call). Exit status: 0 allowed, 1 blocked, 2 usage error or unreachable.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod check;
mod cli;
mod client;
mod doctor;
mod explain;
mod render;

use std::io::{self, Write as _};
use std::process::ExitCode;

use clap::Parser;

/// Exit status for a usage error or an unreachable server.
const EXIT_TROUBLE: u8 = 2;

fn main() -> ExitCode {
    // clap exits with 2 on a usage error and 0 for --help / --version.
    let args = cli::Args::parse();
    let (uri, req) = match cli::build_request(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cors-doctor: {e}");
            return ExitCode::from(EXIT_TROUBLE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cors-doctor: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_TROUBLE);
        }
    };
    let outcome = runtime.block_on(async {
        let client = client::HttpClient::new()?;
        doctor::run(&client, &uri, &req).await
    });
    let report = match outcome {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cors-doctor: {e}");
            return ExitCode::from(EXIT_TROUBLE);
        }
    };
    let text = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("cors-doctor: cannot write JSON: {e}");
                return ExitCode::from(EXIT_TROUBLE);
            }
        }
    } else {
        render::text(&report)
    };
    match write_stdout(&text) {
        Ok(()) => {}
        // The reader stopped early (`| head -c 600`): not an error, and the
        // verdict below still decides the exit status.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("cors-doctor: cannot write the report: {e}");
            return ExitCode::from(EXIT_TROUBLE);
        }
    }
    if report.allowed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Writes the report; unlike `print!`, returns a closed pipe as an error
/// instead of panicking.
fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}
