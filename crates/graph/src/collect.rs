//! `collect`: reads a tenant through Graph into the `graph/` part of a snapshot, in exactly
//! the layout of `docs/snapshot.md` — small collections as one file, large ones (users,
//! groups, devices, managed devices) as folders of pages as Graph sent them, each group's
//! direct members as `groupMembers/<groupId>.json` (`.2.json`, … for further pages), read
//! twenty groups per JSON `$batch`. Services are read side by side (each has its own budget);
//! pages within a collection follow `@odata.nextLink`. Files go to a sink the caller owns (the
//! CLI stages them and renames the folder into place only when everything arrived): any
//! failure returns an error and nothing is kept.

use crate::client::{GraphClient, Page, BATCH_LIMIT};
use crate::collections::{collection, group_members_url, Collection, Layout, BETA_CONFIGURATIONS};
use crate::error::GraphError;
use crate::pacing::{Service, ServiceStats, TenantSize};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// Where collected files go: `(path relative to the snapshot, bytes)`.
pub type Sink<'a> = &'a (dyn Fn(&str, &[u8]) -> Result<(), String> + Sync);

/// Why a collection failed.
#[derive(Debug, Error)]
pub enum CollectError {
    #[error(transparent)]
    Graph(#[from] GraphError),
    #[error("cannot write {file}: {detail}")]
    Write { file: String, detail: String },
    #[error("{0}")]
    Unexpected(String),
}

/// What was collected.
#[derive(Debug, Clone, Default)]
pub struct CollectSummary {
    /// Items per collection, in `COLLECTIONS` order.
    pub counts: BTreeMap<&'static str, u64>,
    /// Groups whose members were read.
    pub groups_with_members: u64,
    /// Direct memberships read.
    pub memberships: u64,
    /// Collections left out and why (no Intune subscription).
    pub skipped: Vec<String>,
    /// Groups that disappeared between listing and reading their members.
    pub notes: Vec<String>,
    /// Requests, units and 429s per service.
    pub stats: BTreeMap<Service, ServiceStats>,
}

/// Options of one collection run.
#[derive(Debug, Clone, Copy)]
pub struct CollectOptions {
    /// Read the Intune collections (the tenant's Intune subscription is active).
    pub intune: bool,
    /// Show progress bars (only drawn on a terminal).
    pub progress: bool,
    /// `$batch` requests in flight at once for group members.
    pub batches_in_flight: usize,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            intune: true,
            progress: true,
            batches_in_flight: 4,
        }
    }
}

struct Bars {
    multi: Option<MultiProgress>,
}

impl Bars {
    fn new(enabled: bool) -> Bars {
        Bars {
            multi: enabled.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    fn bar(&self, name: &str) -> ProgressBar {
        match &self.multi {
            None => ProgressBar::hidden(),
            Some(m) => {
                let bar = m.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} {prefix:<26} {human_pos:>10} read  {elapsed}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_prefix(name.to_string());
                bar.enable_steady_tick(std::time::Duration::from_millis(200));
                bar
            }
        }
    }
}

fn write(sink: Sink<'_>, file: &str, bytes: &[u8]) -> Result<(), CollectError> {
    sink(file, bytes).map_err(|detail| CollectError::Write {
        file: file.into(),
        detail,
    })
}

/// Reads the whole `graph/` part into `sink`.
pub async fn collect(
    client: &GraphClient,
    options: CollectOptions,
    sink: Sink<'_>,
) -> Result<CollectSummary, CollectError> {
    let bars = Bars::new(options.progress);
    let directory = async {
        let mut counts = BTreeMap::new();
        for name in ["organization", "subscribedSkus"] {
            counts.insert(name, whole(client, collection(name), sink, &bars).await?);
        }
        let users = pages(client, collection("users"), sink, &bars, |_| Ok(())).await?;
        counts.insert("users", users);
        // The directory budget depends on the tenant's size, known now.
        client.pacer().set_tenant_size(TenantSize::of(users));
        let mut group_ids: Vec<String> = Vec::new();
        let groups = pages(client, collection("groups"), sink, &bars, |raw| {
            #[derive(Deserialize)]
            struct Ids {
                value: Vec<Id>,
            }
            #[derive(Deserialize)]
            struct Id {
                id: String,
            }
            let ids: Ids = serde_json::from_slice(raw)
                .map_err(|e| CollectError::Unexpected(format!("groups page: {e}")))?;
            group_ids.extend(ids.value.into_iter().map(|i| i.id));
            Ok(())
        })
        .await?;
        counts.insert("groups", groups);
        let members = members(client, &group_ids, sink, &bars, options.batches_in_flight).await?;
        Ok::<_, CollectError>((counts, members))
    };
    let devices = pages(client, collection("devices"), sink, &bars, |_| Ok(()));
    let intune = async {
        let mut counts = BTreeMap::new();
        if options.intune {
            // Managed devices and the policies have separate budgets: read side by side.
            let managed = pages(
                client,
                collection("managedDevices"),
                sink,
                &bars,
                |_| Ok(()),
            );
            let policies = async {
                let compliance =
                    whole(client, collection("deviceCompliancePolicies"), sink, &bars).await?;
                let configurations = configurations(client, sink, &bars).await?;
                Ok::<_, CollectError>((compliance, configurations))
            };
            let (managed, (compliance, configurations)) = tokio::try_join!(managed, policies)?;
            counts.insert("managedDevices", managed);
            counts.insert("deviceCompliancePolicies", compliance);
            counts.insert("deviceConfigurations", configurations);
        }
        Ok::<_, CollectError>(counts)
    };
    let conditional_access = whole(client, collection("conditionalAccessPolicies"), sink, &bars);
    let ((mut counts, (groups_with_members, memberships, notes)), devices, intune_counts, ca) =
        tokio::try_join!(directory, devices, intune, conditional_access)?;
    counts.insert("devices", devices);
    counts.extend(intune_counts);
    counts.insert("conditionalAccessPolicies", ca);
    let skipped = if options.intune {
        Vec::new()
    } else {
        crate::collections::COLLECTIONS
            .iter()
            .filter(|c| c.intune)
            .map(|c| c.name.to_string())
            .collect()
    };
    Ok(CollectSummary {
        counts,
        groups_with_members,
        memberships,
        skipped,
        notes,
        stats: client.pacer().stats(),
    })
}

/// A collection written as one file, every page merged.
async fn whole(
    client: &GraphClient,
    c: &Collection,
    sink: Sink<'_>,
    bars: &Bars,
) -> Result<u64, CollectError> {
    debug_assert_eq!(c.layout, Layout::File);
    let bar = bars.bar(c.name);
    let items = client
        .get_all(&client.url(c.api, &c.relative_url()))
        .await?;
    bar.inc(items.len() as u64);
    let n = items.len() as u64;
    write_items(sink, c.name, items)?;
    bar.finish();
    Ok(n)
}

fn write_items(sink: Sink<'_>, name: &str, items: Vec<Value>) -> Result<(), CollectError> {
    let file = format!("graph/{name}.json");
    let mut bytes =
        serde_json::to_vec_pretty(&serde_json::json!({ "value": items })).map_err(|e| {
            CollectError::Write {
                file: file.clone(),
                detail: e.to_string(),
            }
        })?;
    bytes.push(b'\n');
    write(sink, &file, &bytes)
}

/// A collection written as a folder of pages; `inspect` sees each page's bytes.
async fn pages(
    client: &GraphClient,
    c: &Collection,
    sink: Sink<'_>,
    bars: &Bars,
    mut inspect: impl FnMut(&[u8]) -> Result<(), CollectError>,
) -> Result<u64, CollectError> {
    debug_assert_eq!(c.layout, Layout::Pages);
    let bar = bars.bar(c.name);
    let mut n = 0u64;
    let mut page_no = 0u32;
    client
        .for_each_page(&client.url(c.api, &c.relative_url()), |page| {
            page_no += 1;
            inspect(&page.raw)?;
            write(
                sink,
                &format!("graph/{}/page-{page_no:06}.json", c.name),
                &page.raw,
            )?;
            n += page.items as u64;
            bar.inc(page.items as u64);
            Ok::<(), CollectError>(())
        })
        .await?;
    bar.finish();
    Ok(n)
}

/// v1.0 configuration profiles, plus the beta-only ones (email profiles) v1.0 leaves out.
async fn configurations(
    client: &GraphClient,
    sink: Sink<'_>,
    bars: &Bars,
) -> Result<u64, CollectError> {
    let c = collection("deviceConfigurations");
    let bar = bars.bar(c.name);
    let mut items = client
        .get_all(&client.url(c.api, &c.relative_url()))
        .await?;
    let known: BTreeSet<String> = items
        .iter()
        .filter_map(|i| i.get("id").and_then(|v| v.as_str()).map(str::to_string))
        .collect();
    let beta = client
        .get_all(&client.url(BETA_CONFIGURATIONS.api, &BETA_CONFIGURATIONS.relative_url()))
        .await?;
    items.extend(beta.into_iter().filter(|i| {
        i.get("id")
            .and_then(|v| v.as_str())
            .is_some_and(|id| !known.contains(id))
    }));
    let n = items.len() as u64;
    bar.inc(n);
    write_items(sink, c.name, items)?;
    bar.finish();
    Ok(n)
}

fn safe_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Every group's direct members, twenty groups per `$batch`, several batches in flight.
async fn members(
    client: &GraphClient,
    group_ids: &[String],
    sink: Sink<'_>,
    bars: &Bars,
    in_flight: usize,
) -> Result<(u64, u64, Vec<String>), CollectError> {
    let bar = bars.bar("groupMembers");
    if let Some(bad) = group_ids.iter().find(|id| !safe_id(id)) {
        return Err(CollectError::Unexpected(format!(
            "groups: unexpected group id {bad:?}"
        )));
    }
    let mut chunks = group_ids.chunks(BATCH_LIMIT);
    let mut running = tokio::task::JoinSet::new();
    let mut groups = 0u64;
    let mut memberships = 0u64;
    let mut notes = Vec::new();
    let spawn = |set: &mut tokio::task::JoinSet<_>, chunk: &[String]| {
        let client = client.clone();
        let ids: Vec<String> = chunk.to_vec();
        set.spawn(async move {
            let urls: Vec<String> = ids.iter().map(|id| group_members_url(id)).collect();
            let results = client.batch_get_raw("v1.0", &urls).await;
            (ids, results)
        });
    };
    for _ in 0..in_flight.max(1) {
        if let Some(chunk) = chunks.next() {
            spawn(&mut running, chunk);
        }
    }
    while let Some(joined) = running.join_next().await {
        let (ids, results) = joined
            .map_err(|e| CollectError::Unexpected(format!("group member reader stopped: {e}")))?;
        if let Some(chunk) = chunks.next() {
            spawn(&mut running, chunk);
        }
        for (id, result) in ids.iter().zip(results) {
            let raw = match result {
                Ok(raw) => raw,
                Err(e) if e.status() == Some(404) => {
                    notes.push(format!(
                        "group {id} was deleted while collecting; its members are unknown"
                    ));
                    continue;
                }
                Err(e) => {
                    running.abort_all();
                    return Err(e.into());
                }
            };
            // The inner body is stored as Graph sent it: checked and read once, not rebuilt.
            let page = Page::from_raw(String::from(Box::<str>::from(raw)).into_bytes())
                .map_err(|e| CollectError::Unexpected(format!("members of group {id}: {e}")))?;
            let mut page_no = 1u32;
            let mut next = write_member_page(sink, id, page_no, page, &mut memberships)?;
            while let Some(link) = next {
                page_no += 1;
                let page = client.get_page(&link).await?;
                next = write_member_page(sink, id, page_no, page, &mut memberships)?;
            }
            groups += 1;
            bar.inc(1);
        }
    }
    bar.finish();
    Ok((groups, memberships, notes))
}

fn write_member_page(
    sink: Sink<'_>,
    group: &str,
    page_no: u32,
    page: Page,
    memberships: &mut u64,
) -> Result<Option<String>, CollectError> {
    *memberships += page.items as u64;
    let file = if page_no == 1 {
        format!("graph/groupMembers/{group}.json")
    } else {
        format!("graph/groupMembers/{group}.{page_no}.json")
    };
    write(sink, &file, &page.raw)?;
    Ok(page.next_link)
}
