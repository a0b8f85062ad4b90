//! The ops commands over an index directory: `build-index`, `verify-index`, `stats`, `lookup`.
//! Owns their argument handling and output; the work itself is `tanu_index`'s. Output goes to
//! stdout, diagnostics to stderr; it must never print a person's data except in `lookup`, whose
//! purpose that is.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;
use std::time::Instant;
use tanu_index::builder::{BuildOptions, build_index};
use tanu_index::date::PartialDate;
use tanu_index::iin::Iin;
use tanu_index::keys::name_keys;
use tanu_index::name::{normalize_name, split_full_name};
use tanu_index::reader::{RegistryIndex, verify_index};

use super::progress::TerminalProgress;

pub fn build(source: &Path, out: &Path, max_bad_share: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&max_bad_share) {
        bail!("--max-bad-share must be between 0 and 1, got {max_bad_share}");
    }
    let progress = TerminalProgress::new();
    let summary = build_index(source, out, &BuildOptions { max_bad_share }, &progress);
    progress.finish();
    let summary = summary.with_context(|| format!("building the index of {}", source.display()))?;
    let c = &summary.counts;
    eprintln!(
        "built {}: {} persons, {} names, {} convictions, {} administrative offences, {} unreadable records kept as text; {} bad lines of {} ({} kept damaged, {} skipped, {} duplicate ids); {} invalid IINs, {} missing IINs; {:.1} MiB on disk; {:.1} s",
        summary.out_dir.display(),
        c.persons,
        c.names,
        c.convictions,
        c.admin_offences,
        c.unreadable_records,
        c.bad_lines,
        c.source_lines,
        c.damaged_lines,
        c.skipped_lines,
        c.duplicate_ids,
        c.invalid_iins,
        c.missing_iins,
        summary.bytes_on_disk as f64 / (1024.0 * 1024.0),
        summary.seconds
    );
    if summary.restored_iins > 0 {
        eprintln!(
            "note: {} IINs had lost their leading zeros (an IIN column kept as numbers, as a \
             spreadsheet does) and were restored; export IINs as text",
            summary.restored_iins
        );
    }
    Ok(())
}

pub fn verify(dir: &Path) -> Result<()> {
    let started = Instant::now();
    let report =
        verify_index(dir).with_context(|| format!("index {} did not verify", dir.display()))?;
    println!(
        "ok: {} files, {} bytes, {} persons, {} key rows checked in {:.2} s",
        report.files,
        report.bytes,
        report.persons,
        report.key_rows,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn stats(dir: &Path) -> Result<()> {
    let started = Instant::now();
    let index = RegistryIndex::open(dir).with_context(|| format!("opening {}", dir.display()))?;
    let opened = started.elapsed().as_secs_f64();
    let m = index.manifest();
    let a = index.archive();
    let out = serde_json::json!({
        "dir": dir.display().to_string(),
        "format_version": m.format_version,
        "built_at": m.built_at,
        "build_seconds": m.build_seconds,
        "source": m.source,
        "counts": m.counts,
        "bytes_on_disk": m.files.values().map(|f| f.size).sum::<u64>(),
        "files": m.files.len() + 1,
        "key_rows": {
            "iin": a.iin_table.len(),
            "birth_date": a.birth_table.len(),
            "name": a.name_table.len(),
        },
        "identifying_evidence": index.identifying_evidence(),
        "distinct_surname_stems": a.surname_counts.len(),
        "distinct_given_names": a.given_counts.len(),
        "distinct_patronymic_roots": a.patronymic_counts.len(),
        "distinct_name_pairs": a.name_pair_counts.len(),
        "open_seconds": (opened * 1000.0).round() / 1000.0,
    });
    let mut stdout = std::io::stdout().lock();
    write_line(&mut stdout, &serde_json::to_string_pretty(&out)?)?;
    Ok(())
}

/// Write one line to stdout. `Ok(false)` when the reader has gone (`tanu lookup … | head`): the
/// command stops quietly instead of failing.
fn write_line(out: &mut impl Write, line: &str) -> Result<bool> {
    match writeln!(out, "{line}") {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).context("writing to stdout"),
    }
}

pub fn lookup(
    dir: &Path,
    iin: Option<&str>,
    name: Option<&str>,
    birth_date: Option<&str>,
) -> Result<()> {
    let index = RegistryIndex::open(dir).with_context(|| format!("opening {}", dir.display()))?;
    let birth = birth_date
        .map(|b| PartialDate::parse(b).with_context(|| format!("--birth-date {b:?}")))
        .transpose()?;
    let mut found: Vec<u32> = Vec::new();
    match (iin, name) {
        (Some(raw), _) => {
            let raw = raw.trim();
            if let Err(e) = Iin::parse(raw) {
                eprintln!(
                    "note: {raw:?} is not a valid IIN ({e}); looking up the digits as stored"
                );
            }
            // Grouping spaces and hyphens are ignored, as everywhere else.
            let grouped = tanu_index::iin::without_separators(raw);
            if grouped.len() != 12 || !grouped.bytes().all(|b| b.is_ascii_digit()) {
                bail!("--iin must be 12 digits");
            }
            let digits: u64 = grouped.parse()?;
            found.extend(
                index
                    .by_iin_digits(digits)
                    .iter()
                    .map(|e| e.person.to_native()),
            );
        }
        (None, Some(full)) => {
            let split = split_full_name(full);
            if split.surname.is_empty() || split.given_name.is_empty() {
                bail!("--name needs at least a surname and a given name");
            }
            let norm = normalize_name(
                &split.surname,
                &split.given_name,
                split.patronymic.as_deref(),
            );
            let mut keys = Vec::new();
            name_keys(&norm, &mut keys);
            for k in keys {
                found.extend(index.by_name_key(k).iter().map(|e| e.person.to_native()));
            }
        }
        (None, None) => bail!("give --iin or --name"),
    }
    found.sort_unstable();
    found.dedup();
    let mut shown = 0;
    let mut stdout = std::io::stdout().lock();
    for i in found {
        let Some(p) = index.person(i) else { continue };
        if let Some(b) = birth {
            let pb = p.birth_date();
            let fits = match pb {
                None => true,
                Some(pb) => {
                    pb.year == b.year
                        && (pb.month.is_none() || b.month.is_none() || pb.month == b.month)
                        && (pb.day.is_none() || b.day.is_none() || pb.day == b.day)
                }
            };
            if !fits {
                continue;
            }
        }
        let Some(person) = index.person_source(i) else {
            continue;
        };
        if !write_line(&mut stdout, &serde_json::to_string(&person)?)? {
            return Ok(());
        }
        shown += 1;
    }
    eprintln!("{shown} person(s) found");
    Ok(())
}
