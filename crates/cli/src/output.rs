//! Writes a command's `--out` folder all at once: files go into a hidden staging folder next to
//! the target, which is renamed into place only when everything was written. A failure leaves
//! no partial output, and a previous output in the target is replaced, never mixed with the new.
//!
//! A folder is replaced only when it is empty or carries the marker file this kind of output
//! writes ([`OutputKind::marker`]): anything else — a real export, a folder of notes, another
//! kind of output — is refused as bad input (exit 2) and left untouched.

use crate::errors::BadInput;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a command writes into its `--out` folder; each kind has its own marker file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// `plan --out`.
    Plan,
    /// `synth --out`: a synthetic snapshot.
    Snapshot,
    /// `collect --out`: a snapshot read through Graph (same marker as `synth`: both are
    /// snapshots, and either may replace the other).
    Collect,
}

impl OutputKind {
    /// The file that says "written by this command; safe to replace".
    pub fn marker(self) -> &'static str {
        match self {
            OutputKind::Plan => ".bms2intune-plan",
            OutputKind::Snapshot | OutputKind::Collect => ".bms2intune-snapshot",
        }
    }

    fn command(self) -> &'static str {
        match self {
            OutputKind::Plan => "plan",
            OutputKind::Snapshot => "synth",
            OutputKind::Collect => "collect",
        }
    }

    fn marker_text(self) -> String {
        format!(
            "Written by `bms2intune {}`. bms2intune replaces this folder when it writes to it \
             again; without this file it refuses to.\n",
            self.command()
        )
    }
}

/// Checks that `target` may receive a `kind` output: absent, an empty folder, or a folder
/// holding `kind`'s marker. Commands call it before their work, so a refusal comes at once.
pub fn check_target(target: &Path, kind: OutputKind) -> Result<()> {
    let shown = target.display();
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return Err(BadInput(format!("--out {shown}: exists and is not a folder")).into());
    }
    let empty = std::fs::read_dir(target)
        .with_context(|| format!("--out {shown}: cannot list"))?
        .next()
        .is_none();
    if !empty && !target.join(kind.marker()).is_file() {
        return Err(BadInput(format!(
            "--out {shown}: the folder is not empty and was not written by `bms2intune {}` (it has \
             no {} file); choose an empty or new folder — bms2intune replaces only its own \
             earlier output, and leaves this folder untouched",
            kind.command(),
            kind.marker()
        ))
        .into());
    }
    Ok(())
}

/// A staging folder that becomes `target` on [`StagedOutput::commit`], and is removed if
/// dropped before.
pub struct StagedOutput {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl StagedOutput {
    /// Prepares to write a `kind` output to `target` (see [`check_target`]); the staging
    /// folder starts with the kind's marker file.
    pub fn begin(target: &Path, kind: OutputKind) -> Result<StagedOutput> {
        check_target(target, kind)?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .with_context(|| format!("cannot clear {}", staging.display()))?;
        }
        std::fs::create_dir(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        let staged = StagedOutput {
            target: target.to_path_buf(),
            staging,
            committed: false,
        };
        staged.write(kind.marker(), kind.marker_text().as_bytes())?;
        Ok(staged)
    }

    /// The staging folder (to read back what was written before committing).
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Writes `bytes` to `relative` (forward slashes) inside the staging folder.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<()> {
        let mut file = self.create(relative)?;
        file.write_all(bytes)
            .and_then(|()| file.flush())
            .with_context(|| format!("cannot write {relative}"))
    }

    /// Creates `relative` (forward slashes) inside the staging folder for streaming writes.
    pub fn create(&self, relative: &str) -> Result<std::io::BufWriter<std::fs::File>> {
        if relative
            .split('/')
            .any(|part| part.is_empty() || part == ".." || part == ".")
        {
            bail!("refusing to write outside the output folder: {relative:?}");
        }
        let path = self.staging.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(std::io::BufWriter::new(file))
    }

    /// Writes pretty JSON with a trailing newline.
    pub fn write_json<T: serde::Serialize>(&self, relative: &str, value: &T) -> Result<()> {
        // Streamed: a million-user plan.json is never held in memory as a whole.
        let mut file = self.create(relative)?;
        serde_json::to_writer_pretty(&mut file, value)
            .map_err(std::io::Error::from)
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.flush())
            .with_context(|| format!("cannot write {relative}"))
    }

    /// Moves the staged folder into place, replacing earlier output.
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = self.staging.with_extension("old");
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).with_context(|| {
                format!("cannot move the earlier {} aside", self.target.display())
            })?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e)
                .with_context(|| format!("cannot move the output into {}", self.target.display()));
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(self.target.clone())
    }
}

impl Drop for StagedOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit_and_failures_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        {
            let staged = StagedOutput::begin(&target, OutputKind::Plan).unwrap();
            staged.write("a/b.json", b"{}").unwrap();
            assert!(!target.exists());
        }
        assert!(!target.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "staging folder removed"
        );

        let staged = StagedOutput::begin(&target, OutputKind::Plan).unwrap();
        staged.write("plan.json", b"1").unwrap();
        staged.commit().unwrap();
        assert_eq!(std::fs::read(target.join("plan.json")).unwrap(), b"1");
        assert!(target.join(OutputKind::Plan.marker()).is_file());

        // Earlier output is replaced as a whole.
        let staged = StagedOutput::begin(&target, OutputKind::Plan).unwrap();
        staged.write("other.json", b"2").unwrap();
        staged.commit().unwrap();
        assert!(!target.join("plan.json").exists());
        assert_eq!(std::fs::read(target.join("other.json")).unwrap(), b"2");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_foreign_folders_and_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), b"x").unwrap();
        let err = StagedOutput::begin(dir.path(), OutputKind::Plan)
            .err()
            .unwrap();
        assert!(err.downcast_ref::<BadInput>().is_some(), "{err}");
        assert!(err.to_string().contains(&dir.path().display().to_string()));
        // An earlier plan.json without the marker is not enough.
        std::fs::write(dir.path().join("plan.json"), b"{}").unwrap();
        assert!(StagedOutput::begin(dir.path(), OutputKind::Plan).is_err());
        let staged = StagedOutput::begin(&dir.path().join("new"), OutputKind::Plan).unwrap();
        assert!(staged.write("../escape.json", b"x").is_err());
        let file = dir.path().join("precious.txt");
        assert!(StagedOutput::begin(&file, OutputKind::Plan).is_err());
    }

    #[test]
    fn one_kind_never_replaces_another() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        StagedOutput::begin(&target, OutputKind::Snapshot)
            .unwrap()
            .commit()
            .unwrap();
        assert!(check_target(&target, OutputKind::Snapshot).is_ok());
        assert!(check_target(&target, OutputKind::Plan).is_err());
    }
}
