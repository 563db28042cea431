//! `cargo xtask run -- ARGS`: `pidone ARGS` as PID 1 of a fresh PID namespace, with the build for this
//! machine (only that one is built); its exit code is pidone's.

use crate::cmd::Result;
use crate::{dist, namespace};
use std::process::ExitCode;

pub fn run(args: &[String]) -> Result<ExitCode> {
    let args = args.strip_prefix(&["--".to_owned()]).unwrap_or(args);
    let binary = dist::native()?;
    let status =
        namespace::unshare().arg(&binary).args(args).status().map_err(|e| format!("cannot run unshare: {e}"))?;
    Ok(ExitCode::from(status.code().unwrap_or(1) as u8))
}
