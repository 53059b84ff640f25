//! Graph reader micro-benchmarks (`cargo bench -p bms2intune-snapshot`): the page iterator
//! alone, and `read_graph` over the `graph/` part of a synthetic tenant held in memory (no file
//! system in the measurement), next to `serde_json::Value` parsing of the same bytes as a
//! reference point.
//!
//! divan rather than criterion: it compiles in seconds and needs no registration macro;
//! benchmarks run only under `cargo bench`.

use bms2intune_model::{Directory, Guid, IntuneState, Part, Parts};
use bms2intune_snapshot::graph::{read_graph, GraphFiles, MemberPage};
use bms2intune_snapshot::page::for_each_item;
use bms2intune_snapshot::InputError;
use bms2intune_synth::{generate, OptionsError, SynthOptions};
use divan::counter::BytesCount;
use divan::Bencher;
use std::collections::BTreeMap;

fn main() {
    divan::main();
}

/// The `graph/` files of a synthetic tenant (setup, not measured).
fn graph_files(users: u32) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    generate(
        &SynthOptions::with_users(users),
        |path: &str, bytes: &[u8]| -> Result<(), OptionsError> {
            if path.starts_with("graph/") {
                files.insert(path.to_string(), String::from_utf8(bytes.to_vec()).unwrap());
            }
            Ok(())
        },
    )
    .expect("generate");
    files
}

/// `GraphFiles` over files in memory, laid out as in a snapshot folder.
struct Memory<'a>(&'a BTreeMap<String, String>);

impl GraphFiles for Memory<'_> {
    fn pages(&mut self, part: Part) -> Result<Option<Vec<String>>, InputError> {
        let stem = part.file_stem();
        let single = format!("graph/{stem}.json");
        if self.0.contains_key(&single) {
            return Ok(Some(vec![single]));
        }
        let prefix = format!("graph/{stem}/");
        let pages: Vec<String> = self
            .0
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        Ok((!pages.is_empty()).then_some(pages))
    }

    fn group_member_pages(&mut self) -> Result<Option<Vec<MemberPage>>, InputError> {
        let mut pages: Vec<(Guid, u32, String)> = self
            .0
            .keys()
            .filter_map(|k| {
                let name = k
                    .strip_prefix("graph/groupMembers/")?
                    .strip_suffix(".json")?;
                let (id, page) = name.split_once('.').unwrap_or((name, "1"));
                Some((Guid::parse(id)?, page.parse().ok()?, k.clone()))
            })
            .collect();
        pages.sort();
        Ok(Some(pages.into_iter().map(|(g, _, k)| (k, g)).collect()))
    }

    fn read(&mut self, file: &str, text: &mut String) -> Result<(), InputError> {
        text.clear();
        text.push_str(&self.0[file]);
        Ok(())
    }
}

const USERS: &[u32] = &[10_000, 50_000];

/// Everything in `graph/` into the model.
#[divan::bench(args = USERS, sample_count = 10)]
fn read_graph_in_memory(bencher: Bencher, users: u32) {
    let files = graph_files(users);
    let bytes: usize = files.values().map(String::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench_local(|| {
        let mut directory = Directory::default();
        let mut intune = IntuneState::default();
        let mut parts = Parts::default();
        read_graph(
            &mut Memory(&files),
            &mut directory,
            &mut intune,
            &mut parts,
            &mut Vec::new(),
        )
        .expect("read");
        directory.users().len()
    });
}

/// The page iterator alone, on one page of 999 users, with an item type that skips every
/// field (the cost of walking Graph JSON).
#[divan::bench]
fn page_of_999_users_skipped(bencher: Bencher) {
    let files = graph_files(999);
    let page = &files["graph/users/page-0001.json"];
    bencher.counter(BytesCount::of_str(page)).bench_local(|| {
        for_each_item::<serde::de::IgnoredAny, _>("p", page, |_, _| Ok(())).expect("page")
    });
}

/// Reference: the same page parsed into a `serde_json::Value` tree.
#[divan::bench]
fn page_of_999_users_as_value(bencher: Bencher) {
    let files = graph_files(999);
    let page = &files["graph/users/page-0001.json"];
    bencher
        .counter(BytesCount::of_str(page))
        .bench_local(|| serde_json::from_str::<serde_json::Value>(page).expect("json"));
}
