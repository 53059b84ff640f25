//! The loop a shell runs between a state machine, the journal and a transport: record each
//! intent before its request, hand every answer back, record each outcome and undone mark,
//! collect the manual steps to print. The transport is any function from a [`Request`] (and
//! the read's re-read attempt, for the shell to wait through replication lag) to a
//! [`Response`] (the Graph client, or a test's in-memory tenant), or to an error that ends the
//! run ([`RunEnd::Aborted`]: the tenant could not be read, so nothing can be decided);
//! `stop_after` interrupts the run after that many journal or network events, which is how
//! the tests simulate a crash.

use crate::decide::{Action, Apply, Refusal};
use crate::http::{Request, Response};
use crate::journal::{Journal, JournalError, Outcome};
use crate::render::Line;
use crate::rollback::Rollback;

/// A state machine the loop can drive.
pub trait Machine {
    fn next_action(&mut self) -> Action;
    fn on_response(&mut self, response: Response) -> Option<(i64, Outcome)>;
}

impl Machine for Apply {
    fn next_action(&mut self) -> Action {
        Apply::next_action(self)
    }
    fn on_response(&mut self, response: Response) -> Option<(i64, Outcome)> {
        Apply::on_response(self, response)
    }
}

impl Machine for Rollback {
    fn next_action(&mut self) -> Action {
        Rollback::next_action(self)
    }
    fn on_response(&mut self, response: Response) -> Option<(i64, Outcome)> {
        Rollback::on_response(self, response)
    }
}

#[derive(Debug, PartialEq)]
pub enum RunEnd {
    Done(Vec<Line>),
    Refused(Refusal),
    /// `stop_after` was reached.
    Interrupted,
    /// The transport failed on a read: the run stopped; running it again resumes.
    Aborted(String),
}

#[derive(Debug)]
pub struct Run {
    pub end: RunEnd,
    /// Manual steps to print: step id, title, instructions.
    pub manual: Vec<(String, String, String)>,
    /// Journal and network events that happened (intents, sends, outcomes, marks).
    pub events: usize,
    /// Writes sent.
    pub writes: usize,
    /// Each write sent, as the line that says what it does, with the answer's status (0: no
    /// answer came), in the order sent.
    pub sent: Vec<(Line, u16)>,
}

pub fn drive(
    machine: &mut impl Machine,
    journal: &mut Journal,
    wave: u32,
    plan_hash: &str,
    mut transport: impl FnMut(&Request, u32) -> Result<Response, String>,
    stop_after: Option<usize>,
) -> Result<Run, JournalError> {
    let mut run = Run {
        end: RunEnd::Interrupted,
        manual: Vec::new(),
        events: 0,
        writes: 0,
        sent: Vec::new(),
    };
    macro_rules! event {
        () => {
            run.events += 1;
            if stop_after == Some(run.events) {
                return Ok(run);
            }
        };
    }
    loop {
        match machine.next_action() {
            Action::Read { request, attempt } => match transport(&request, attempt) {
                Ok(response) => {
                    machine.on_response(response);
                }
                Err(reason) => {
                    run.end = RunEnd::Aborted(reason);
                    return Ok(run);
                }
            },
            Action::Write {
                seq,
                step_id,
                intent,
                request,
                line,
            } => {
                journal.record_intent(seq, wave, plan_hash, &step_id, &intent)?;
                event!();
                // A write whose answer never came is an unknown outcome (status 0), which the
                // machine reconciles by reading; it is never an abort after the intent.
                let response = transport(&request, 0).unwrap_or_else(|reason| Response {
                    status: 0,
                    headers: Vec::new(),
                    body: serde_json::json!({"error": {"code": "transport", "message": reason}}),
                });
                run.writes += 1;
                run.sent.push((line, response.status));
                event!();
                if let Some((seq, outcome)) = machine.on_response(response) {
                    journal.record_outcome(seq, &outcome)?;
                    event!();
                }
            }
            Action::Manual {
                step_id,
                title,
                instructions,
            } => run.manual.push((step_id, title, instructions)),
            Action::MarkUndone { seq } => {
                journal.mark_undone(seq)?;
                event!();
            }
            Action::Done(lines) => {
                run.end = RunEnd::Done(lines);
                return Ok(run);
            }
            Action::Refused(refusal) => {
                run.end = RunEnd::Refused(refusal);
                return Ok(run);
            }
        }
    }
}
