//! Writes a command's `--out` folder all at once: files go into a hidden staging folder next to
//! the target, which is renamed into place only when everything was written. A failure leaves
//! no partial output, and a previous plan in the target is replaced, never mixed with the new.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file that marks a folder as a plan written by bms2intune (safe to replace).
pub const MARKER_FILE: &str = "plan.json";
/// The entry that marks a folder as a snapshot (written by `synth`; safe to replace).
pub const SNAPSHOT_MARKER: &str = "bms";

/// A staging folder that becomes `target` on [`StagedOutput::commit`], and is removed if
/// dropped before.
pub struct StagedOutput {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl StagedOutput {
    /// Prepares to write a plan to `target`. Refuses a non-empty folder that is not an
    /// earlier plan.
    pub fn begin(target: &Path) -> Result<StagedOutput> {
        Self::begin_marked(target, MARKER_FILE)
    }

    /// Prepares to write `target`, which may be replaced only when empty or holding `marker`
    /// (a file or folder that only this kind of output has).
    pub fn begin_marked(target: &Path, marker: &str) -> Result<StagedOutput> {
        if target.exists() {
            if !target.is_dir() {
                bail!("--out {}: exists and is not a folder", target.display());
            }
            let empty = std::fs::read_dir(target)
                .with_context(|| format!("--out {}: cannot list", target.display()))?
                .next()
                .is_none();
            if !empty && !target.join(marker).exists() {
                bail!(
                    "--out {}: the folder is not empty and holds no {marker}; choose an empty or new folder \
                     (bms2intune only replaces its own earlier output)",
                    target.display()
                );
            }
        }
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
        Ok(StagedOutput {
            target: target.to_path_buf(),
            staging,
            committed: false,
        })
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
            let staged = StagedOutput::begin(&target).unwrap();
            staged.write("a/b.json", b"{}").unwrap();
            assert!(!target.exists());
        }
        assert!(!target.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "staging folder removed"
        );

        let staged = StagedOutput::begin(&target).unwrap();
        staged.write(MARKER_FILE, b"1").unwrap();
        staged.commit().unwrap();
        assert_eq!(std::fs::read(target.join(MARKER_FILE)).unwrap(), b"1");

        // Earlier output is replaced as a whole.
        let staged = StagedOutput::begin(&target).unwrap();
        staged.write("other.json", b"2").unwrap();
        staged.write(MARKER_FILE, b"2").unwrap();
        staged.commit().unwrap();
        assert_eq!(std::fs::read(target.join(MARKER_FILE)).unwrap(), b"2");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_foreign_folders_and_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), b"x").unwrap();
        assert!(StagedOutput::begin(dir.path()).is_err());
        let staged = StagedOutput::begin(&dir.path().join("new")).unwrap();
        assert!(staged.write("../escape.json", b"x").is_err());
    }
}
