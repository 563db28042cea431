//! `cargo xtask e2e`: pidone as the init of real containers, under podman + runc (`podman.rs`, which also
//! plays Kubernetes pod specs and makes pidone a pod's pause process), under Docker's own engine
//! (`docker.rs`), with the release's images, and under LXC (`lxc.rs`).

use crate::cmd::{Count, Result};
use crate::dist::{self, Dist};
use crate::{docker, lxc, podman, release};

/// The verb: the release set, then every engine's scenarios.
pub fn e2e() -> Result<Count> {
    let built = dist::dist()?;
    release::pack(&built)?;
    end_to_end(&built)
}

/// Every engine's scenarios against `built` and the image archive in target/dist.
pub fn end_to_end(built: &Dist) -> Result<Count> {
    println!("\nEnd-to-end: the images under podman + runc, and as a Kubernetes pod");
    let mut count = podman::scenarios(built)?;
    println!("\nEnd-to-end: Docker's engine, pidone as its --init");
    count += docker::scenarios(built)?;
    println!("\nEnd-to-end: LXC, pidone as the container's init");
    count += lxc::scenarios(built)?;
    Ok(count)
}
