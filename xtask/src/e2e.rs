//! `cargo xtask e2e`: pidone as the init of real containers, under podman + runc (`podman.rs`, which also
//! plays Kubernetes pod specs and makes pidone a pod's pause process), under Docker's own engine
//! (`docker.rs`), with the release's images, and under LXC (`lxc.rs`).

use crate::cmd::{Count, Result, counted};
use crate::dist::{self, Dist};
use crate::{docker, lxc, podman, release};

/// The verb: the release set, then every engine's scenarios.
pub fn e2e() -> Result<Count> {
    let built = dist::dist()?;
    release::pack(&built)?;
    Ok(end_to_end(&built))
}

/// Every engine's scenarios against `built` and the image archive in target/dist; an engine that cannot
/// be set up is one failure, and the next one runs.
pub fn end_to_end(built: &Dist) -> Count {
    type Scenarios = fn(&Dist) -> Result<Count>;
    let engines: [(&str, Scenarios); 3] = [
        ("End-to-end: the images under podman + runc, and as a Kubernetes pod", podman::scenarios),
        ("End-to-end: Docker's engine, pidone as its --init", docker::scenarios),
        ("End-to-end: LXC, pidone as the container's init", lxc::scenarios),
    ];
    let mut count = Count::default();
    for (title, scenarios) in engines {
        println!("\n{title}");
        count += counted(title, scenarios(built));
    }
    count
}
