//! The tasks' texts, in every language.

use super::TaskStatus;
use crate::i18n::use_language;

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub tasks_title: &'static str,
    pub task_status_label: &'static str,
    pub task_status: fn(TaskStatus) -> &'static str,
    pub task_search_label: &'static str,
    pub task_search_placeholder: &'static str,
    pub no_tasks: &'static str,
    pub done_badge: &'static str,
    pub back_to_tasks: &'static str,
    pub task_subject_label: &'static str,
    pub task_operator_label: &'static str,
    pub task_done_label: &'static str,
    pub recurrence: fn(Option<super::Recurrence>) -> &'static str,
    pub until: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub search_button: &'static str,
    pub send_sms: &'static str,
    pub send_email: &'static str,
}

pub static PL: Texts = Texts {
    tasks_title: "Zadania",
    task_status_label: "Stan zadań",
    task_status: |s| match s {
        TaskStatus::Open => "Do zrobienia",
        TaskStatus::Done => "Wykonane",
        TaskStatus::All => "Wszystkie",
    },
    task_search_label: "Szukaj zadania",
    task_search_placeholder: "Temat, podmiot…",
    no_tasks: "Brak zadań.",
    done_badge: "wykonane",
    back_to_tasks: "← Zadania",
    task_subject_label: "Podmiot",
    task_operator_label: "Wykonawca",
    task_done_label: "Wykonane",
    recurrence: |r| match r {
        None => "nie powtarza się",
        Some(super::Recurrence::Daily) => "codziennie",
        Some(super::Recurrence::Weekly) => "co tydzień",
        Some(super::Recurrence::Monthly) => "co miesiąc",
    },
    until: "do",
    yes: "tak",
    no: "nie",
    search_button: "Szukaj",
    send_sms: "Wyślij SMS",
    send_email: "Wyślij e-mail",
};

pub static EN: Texts = Texts {
    tasks_title: "Tasks",
    task_status_label: "Task status",
    task_status: |s| match s {
        TaskStatus::Open => "To do",
        TaskStatus::Done => "Done",
        TaskStatus::All => "All",
    },
    task_search_label: "Search tasks",
    task_search_placeholder: "Subject, contact…",
    no_tasks: "No tasks.",
    done_badge: "done",
    back_to_tasks: "← Tasks",
    task_subject_label: "Contact",
    task_operator_label: "Assignee",
    task_done_label: "Done",
    recurrence: |r| match r {
        None => "does not repeat",
        Some(super::Recurrence::Daily) => "daily",
        Some(super::Recurrence::Weekly) => "weekly",
        Some(super::Recurrence::Monthly) => "monthly",
    },
    until: "until",
    yes: "yes",
    no: "no",
    search_button: "Search",
    send_sms: "Send SMS",
    send_email: "Send e-mail",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
