//! The errors the command line maps to its own exit codes (see `main`): everything else is a
//! runtime failure (exit 1), and snapshot files report an `InputError` (exit 2).

/// Bad input that is not a snapshot file (a waves file, an option, an `--out` folder the
/// command may not replace): exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Findings at or above `--fail-on`: the run succeeded, but automation asked to stop (exit 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct GateFailed(pub String);

/// `apply` stopped at a manual step (turning on coexistence) that a later step of the wave
/// waits for: nothing failed; do the step and run again (exit 5).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WaitingForManualStep(pub String);

/// `status`: a measurable exit gate of a wave failed (exit 4; the report is still printed).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WaveGatesFailed(pub String);
