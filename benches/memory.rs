//! Where the engine's memory goes (issue 16): the live heap after a ReplicaSet of 10,000 pods
//! on 100 nodes converges, and what its parts would take as copies. A counting allocator sees
//! every allocation, so the figures are exact for this build, and the same on every run.
//!
//! `cargo bench --bench memory --profile native [-- NODESxPODS]` (default `100x10000`). The
//! engine bench (`--bench engine`) reports time and the process's peak resident memory, which
//! adds the allocator's own overhead to these figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

use podlab::model::{Container, Event, Pod, ReplicaSet};
use podlab::sim::examples::replicaset;
use podlab::sim::{Command, SimBuilder};

struct Counting;

static BYTES: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static BLOCKS: AtomicIsize = AtomicIsize::new(0);

fn grow(by: isize) {
    let now = BYTES.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call goes straight to the system allocator; the counters only add up sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        grow(l.size() as isize);
        BLOCKS.fetch_add(1, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        BYTES.fetch_sub(l.size() as isize, Relaxed);
        BLOCKS.fetch_sub(1, Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        grow(new as isize - l.size() as isize);
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// (bytes, blocks) live now.
fn live() -> (isize, isize) {
    (BYTES.load(Relaxed), BLOCKS.load(Relaxed))
}

/// What building `f`'s value adds to the heap, printed; the value is dropped after.
fn measure<T>(what: &str, f: impl FnOnce() -> T) {
    let before = live();
    let value = f();
    let after = live();
    println!(
        "  {what:<44} {:>8.1} MB in {:>9} blocks",
        (after.0 - before.0) as f64 / 1e6,
        after.1 - before.1
    );
    drop(value);
}

fn main() {
    let case = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "100x10000".into());
    let (nodes, pods) = case
        .split_once('x')
        .and_then(|(n, p)| Some((n.parse::<u32>().ok()?, p.parse::<i32>().ok()?)))
        .expect("a case such as 100x10000");
    let mut sim = SimBuilder::new(7).workers(nodes).build().expect("builder");
    let rs = replicaset("web", pods, Container::new("web", "nginx:1.27"));
    sim.apply(Command::Apply(rs.into())).expect("apply");
    let want = pods.min(nodes as i32 * 110);
    while !sim
        .cluster()
        .get::<ReplicaSet>("default", "web")
        .is_some_and(|r| r.status.ready_replicas == want && r.status.replicas == pods)
    {
        sim.step()
            .expect("the queue ran dry before the ReplicaSet converged");
    }
    let (bytes, blocks) = live();
    println!(
        "{nodes} nodes / {pods} pods converged: live heap {:.1} MB in {blocks} blocks (peak {:.1} MB); {} objects, {} trace entries",
        bytes as f64 / 1e6,
        PEAK.load(Relaxed) as f64 / 1e6,
        sim.cluster().len(),
        sim.trace().len()
    );
    println!("  as copies (a part shared with another is counted in each):");
    measure("trace entries (their refs shared)", || {
        sim.trace().entries().cloned().collect::<Box<[_]>>()
    });
    measure("Events, each copied whole", || {
        // Boxed, so the list is its exact length, not the next power of two.
        sim.cluster().list::<Event>().cloned().collect::<Box<[_]>>()
    });
    measure("Pods, each copied but its (shared) spec", || {
        sim.cluster().list::<Pod>().cloned().collect::<Box<[_]>>()
    });
    measure("the store's indexes (objects shared)", || {
        sim.cluster().clone()
    });
    measure("the world (processes, logs, volumes)", || {
        sim.world().clone()
    });
    measure("the whole engine (objects shared)", || sim.clone());
}
