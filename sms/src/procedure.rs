//! Procedures (the places SMS are sent from) and the macros each offers.
//!
//! Pure data: the template editor builds its macro menu from it in the
//! browser, and [`crate::template`] checks a template against it. Ids and
//! macro names are stable (they are stored in the database and in template
//! bodies); display texts are Polish and English.
//!
//! Besides the named macros, every object source but the sender has a path
//! root (`{dokument.numer}`, `{kontrahent.nip}`, see [`Source::path_root`])
//! for the fields the host ERP pushes; a path is available wherever its
//! source is.

use serde::{Deserialize, Serialize};

/// A text in each UI language.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Localized<T = &'static str> {
    pub pl: T,
    pub en: T,
}

/// A place in the ERP SMS are sent from. Serialized as its [`id`](Self::id).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Procedure {
    ContractorForm,
    ContractorList,
    EmployeeList,
    SalesInvoiceForm,
    SalesInvoiceList,
    OrderForm,
    /// Also what the reminder automaton sends from.
    TaskForm,
    SmsForm,
    Notifications,
}

/// Where a macro's value comes from; the editor's menu groups by it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The recipient's subject: contractor, employee, office, bank.
    Subject,
    /// The contractor's contact person the SMS goes to.
    Representative,
    /// The document of the procedure (invoice, order).
    Document,
    /// The CRM task a reminder is about.
    Task,
    /// The operator's company.
    Company,
    /// The sender: the SMS sender name, or in notifications the sender of
    /// the registered correspondence.
    Sender,
}

/// A named macro, written `{name}` in a template. Serialized as its
/// [`name`](Self::name).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Macro {
    SubjectCode,
    SubjectName,
    FirstName,
    Phone,
    Email,
    Representative,
    DocumentNumber,
    IssueDate,
    DueDate,
    GrossAmount,
    AmountDue,
    Currency,
    Task,
    TaskStart,
    Company,
    Sender,
}

/// Everything the editor shows about a macro.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MacroInfo {
    /// Written `{name}` in templates.
    pub name: &'static str,
    pub source: Source,
    pub description: Localized,
    /// A typical value: the menu shows it, "Template has N characters"
    /// counts it.
    pub example: &'static str,
    /// A plausible shortest and longest value, for the min/max SMS estimate.
    pub shortest: &'static str,
    pub longest: &'static str,
}

/// Macros offered by one procedure, and (in [`macros_for`]) one source.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MacroGroup {
    pub source: Source,
    pub macros: Vec<Macro>,
}

/// Spelled `[klient]` and `[nadawca]` in notification texts; accepted in
/// every template as these macros.
pub const BRACKET_ALIASES: [(&str, Macro); 2] = [
    ("[klient]", Macro::SubjectName),
    ("[nadawca]", Macro::Sender),
];

use Macro::*;

impl Procedure {
    pub const ALL: [Procedure; 9] = [
        Procedure::ContractorForm,
        Procedure::ContractorList,
        Procedure::EmployeeList,
        Procedure::SalesInvoiceForm,
        Procedure::SalesInvoiceList,
        Procedure::OrderForm,
        Procedure::TaskForm,
        Procedure::SmsForm,
        Procedure::Notifications,
    ];

    /// Stable id, stored in the database.
    pub const fn id(self) -> &'static str {
        match self {
            Procedure::ContractorForm => "contractor_form",
            Procedure::ContractorList => "contractor_list",
            Procedure::EmployeeList => "employee_list",
            Procedure::SalesInvoiceForm => "sales_invoice_form",
            Procedure::SalesInvoiceList => "sales_invoice_list",
            Procedure::OrderForm => "order_form",
            Procedure::TaskForm => "task_form",
            Procedure::SmsForm => "sms_form",
            Procedure::Notifications => "notifications",
        }
    }

    pub fn from_id(id: &str) -> Option<Procedure> {
        Procedure::ALL.into_iter().find(|p| p.id() == id)
    }

    pub const fn name(self) -> Localized {
        let (pl, en) = match self {
            Procedure::ContractorForm => ("Formularz kontrahenta", "Contractor form"),
            Procedure::ContractorList => ("Lista kontrahentów", "Contractor list"),
            Procedure::EmployeeList => ("Lista pracowników", "Employee list"),
            Procedure::SalesInvoiceForm => ("Formularz faktury sprzedaży", "Sales invoice form"),
            Procedure::SalesInvoiceList => ("Lista faktur sprzedaży", "Sales invoice list"),
            Procedure::OrderForm => ("Formularz zamówienia", "Order form"),
            Procedure::TaskForm => ("Formularz zadania (przypomnienia)", "Task form (reminders)"),
            Procedure::SmsForm => ("Formularz SMS", "SMS form"),
            Procedure::Notifications => ("Powiadomienia", "Notifications"),
        };
        Localized { pl, en }
    }

    /// The macros this procedure can fill, in menu order.
    pub const fn macros(self) -> &'static [Macro] {
        // Written out per procedure (not computed) so each list reads as the
        // declaration it is.
        match self {
            Procedure::ContractorForm | Procedure::ContractorList | Procedure::SmsForm => &[
                SubjectCode,
                SubjectName,
                FirstName,
                Phone,
                Email,
                Representative,
                Company,
                Sender,
            ],
            Procedure::EmployeeList => &[
                SubjectCode,
                SubjectName,
                FirstName,
                Phone,
                Email,
                Company,
                Sender,
            ],
            Procedure::SalesInvoiceForm | Procedure::SalesInvoiceList => &[
                SubjectCode,
                SubjectName,
                FirstName,
                Phone,
                Email,
                Representative,
                DocumentNumber,
                IssueDate,
                DueDate,
                GrossAmount,
                AmountDue,
                Currency,
                Company,
                Sender,
            ],
            // An order has no payment due yet.
            Procedure::OrderForm => &[
                SubjectCode,
                SubjectName,
                FirstName,
                Phone,
                Email,
                Representative,
                DocumentNumber,
                IssueDate,
                GrossAmount,
                Currency,
                Company,
                Sender,
            ],
            Procedure::TaskForm => &[
                SubjectCode,
                SubjectName,
                FirstName,
                Phone,
                Email,
                Representative,
                Task,
                TaskStart,
                Company,
                Sender,
            ],
            // `[klient]` and `[nadawca]` of the notification text, and the code.
            Procedure::Notifications => &[SubjectCode, SubjectName, Company, Sender],
        }
    }

    pub fn offers(self, m: Macro) -> bool {
        self.macros().contains(&m)
    }

    /// Whether this procedure has an object of `source`, so its paths
    /// (`{dokument.…}`) are available.
    pub fn has_source(self, source: Source) -> bool {
        self.macros().iter().any(|m| m.source() == source)
    }
}

impl From<Procedure> for &'static str {
    fn from(p: Procedure) -> Self {
        p.id()
    }
}

impl TryFrom<String> for Procedure {
    type Error = String;
    fn try_from(id: String) -> Result<Self, String> {
        Procedure::from_id(&id).ok_or_else(|| format!("unknown procedure {id:?}"))
    }
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Subject,
        Source::Representative,
        Source::Document,
        Source::Task,
        Source::Company,
        Source::Sender,
    ];

    /// Heading of the menu group.
    pub const fn name(self) -> Localized {
        let (pl, en) = match self {
            Source::Subject => ("Podmiot", "Subject"),
            Source::Representative => ("Przedstawiciel", "Representative"),
            Source::Document => ("Dokument", "Document"),
            Source::Task => ("Zadanie", "Task"),
            Source::Company => ("Firma", "Company"),
            Source::Sender => ("Nadawca", "Sender"),
        };
        Localized { pl, en }
    }

    /// First segment of the paths to this source's fields
    /// (`{kontrahent.nip}`); the sender has no fields.
    pub const fn path_root(self) -> Option<&'static str> {
        match self {
            Source::Subject => Some("kontrahent"),
            Source::Representative => Some("przedstawiciel"),
            Source::Document => Some("dokument"),
            Source::Task => Some("zadanie"),
            Source::Company => Some("firma"),
            Source::Sender => None,
        }
    }

    pub fn from_path_root(root: &str) -> Option<Source> {
        Source::ALL
            .into_iter()
            .find(|s| s.path_root() == Some(root))
    }
}

impl Macro {
    pub const ALL: [Macro; 16] = [
        SubjectCode,
        SubjectName,
        FirstName,
        Phone,
        Email,
        Representative,
        DocumentNumber,
        IssueDate,
        DueDate,
        GrossAmount,
        AmountDue,
        Currency,
        Task,
        TaskStart,
        Company,
        Sender,
    ];

    pub const fn info(self) -> MacroInfo {
        let (name, source, pl, en, example, shortest, longest) = match self {
            SubjectCode => (
                "podmiot",
                Source::Subject,
                "Kod podmiotu",
                "Subject code",
                "KOWALSKI",
                "AB",
                "HURTOWNIA-ZEFIR-01",
            ),
            SubjectName => (
                "nazwa",
                Source::Subject,
                "Nazwa podmiotu (w powiadomieniach [klient])",
                "Subject name ([klient] in notifications)",
                "Kowalski i Syn sp. z o.o.",
                "Jan Nowak",
                "Przedsiębiorstwo Handlowo-Usługowe Kowalski i Wspólnicy sp.k.",
            ),
            FirstName => (
                "imie",
                Source::Subject,
                "Imię (osoby; firma nie ma)",
                "First name (of a person; a company has none)",
                "Jan",
                "Jan",
                "Małgorzata",
            ),
            Phone => (
                "telefon",
                Source::Subject,
                "Telefon podmiotu",
                "Subject's phone",
                "+48 601 234 567",
                "601234567",
                "+48 601 234 567",
            ),
            Email => (
                "email",
                Source::Subject,
                "E-mail podmiotu",
                "Subject's e-mail",
                "biuro@kowalski.pl",
                "jan@wp.pl",
                "zamowienia.hurtowe@przedsiebiorstwo-kowalski.com.pl",
            ),
            Representative => (
                "przedstawiciel",
                Source::Representative,
                "Imię i nazwisko przedstawiciela",
                "Representative's full name",
                "Anna Nowak",
                "Jan Nowak",
                "Katarzyna Brzęczyszczykiewicz-Wróblewska",
            ),
            DocumentNumber => (
                "numer_dokumentu",
                Source::Document,
                "Numer dokumentu",
                "Document number",
                "FS/123/2026",
                "FS/1/2026",
                "FS/12345/11/2026/MAG-KRAKÓW",
            ),
            IssueDate => (
                "data_wystawienia",
                Source::Document,
                "Data wystawienia",
                "Issue date",
                "23.11.2026",
                "23.11.2026",
                "23.11.2026",
            ),
            DueDate => (
                "termin_platnosci",
                Source::Document,
                "Termin płatności",
                "Payment due date",
                "07.12.2026",
                "07.12.2026",
                "07.12.2026",
            ),
            GrossAmount => (
                "kwota_brutto",
                Source::Document,
                "Kwota brutto",
                "Gross amount",
                "1 234,56 zł",
                "9,99 EUR",
                "1 234 567,89 zł",
            ),
            AmountDue => (
                "pozostalo_do_zaplaty",
                Source::Document,
                "Pozostało do zapłaty",
                "Amount left to pay",
                "234,56 zł",
                "0,01 EUR",
                "1 234 567,89 zł",
            ),
            Currency => (
                "waluta",
                Source::Document,
                "Waluta dokumentu",
                "Document currency",
                "PLN",
                "PLN",
                "EUR",
            ),
            Task => (
                "zadanie",
                Source::Task,
                "Temat zadania",
                "Task subject",
                "Przegląd instalacji",
                "Wizyta",
                "Coroczny przegląd instalacji gazowej i kominowej",
            ),
            TaskStart => (
                "termin_od",
                Source::Task,
                "Termin od (początek zadania)",
                "Task start",
                "23.11.2026 10:30",
                "23.11.2026 10:30",
                "23.11.2026 10:30",
            ),
            Company => (
                "firma",
                Source::Company,
                "Nazwa Twojej firmy",
                "Your company's name",
                "Hurtownia Zefir",
                "Zefir",
                "Hurtownia Materiałów Budowlanych Zefir sp. z o.o.",
            ),
            Sender => (
                "nadawca",
                Source::Sender,
                "Nadawca (nazwa nadawcy SMS; w powiadomieniach nadawca korespondencji)",
                "Sender (SMS sender name; in notifications the sender of the correspondence)",
                "ZEFIR",
                "ZEFIR",
                "Urząd Skarbowy w Krakowie, ZUS Oddział w Krakowie",
            ),
        };
        MacroInfo {
            name,
            source,
            description: Localized { pl, en },
            example,
            shortest,
            longest,
        }
    }

    pub const fn name(self) -> &'static str {
        self.info().name
    }

    pub const fn source(self) -> Source {
        self.info().source
    }

    pub fn from_name(name: &str) -> Option<Macro> {
        Macro::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl From<Macro> for &'static str {
    fn from(m: Macro) -> Self {
        m.name()
    }
}

impl TryFrom<String> for Macro {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        Macro::from_name(&name).ok_or_else(|| format!("unknown macro {name:?}"))
    }
}

/// The macros a template attached to `procedures` may use: the union of
/// theirs, grouped by source in [`Source::ALL`] order, each group in
/// [`Macro::ALL`] order; sources none of them has are left out. This is the
/// editor's context menu (a group's [`Source::path_root`] can be offered
/// as "other fields").
pub fn macros_for(procedures: &[Procedure]) -> Vec<MacroGroup> {
    Source::ALL
        .into_iter()
        .map(|source| MacroGroup {
            source,
            macros: Macro::ALL
                .into_iter()
                .filter(|m| m.source() == source && procedures.iter().any(|p| p.offers(*m)))
                .collect(),
        })
        .filter(|group| !group.macros.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_round_trip() {
        for p in Procedure::ALL {
            assert_eq!(Procedure::from_id(p.id()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.id()));
            assert_eq!(serde_json::from_str::<Procedure>(&json).unwrap(), p);
        }
        for m in Macro::ALL {
            assert_eq!(Macro::from_name(m.name()), Some(m));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.name())
            );
        }
        assert!(serde_json::from_str::<Macro>("\"imię\"").is_err());
        assert!(serde_json::from_str::<Procedure>("\"contractor\"").is_err());
    }

    #[test]
    fn every_macro_is_offered_somewhere_and_paths_roots_are_distinct() {
        for m in Macro::ALL {
            assert!(Procedure::ALL.iter().any(|p| p.offers(m)), "{m:?}");
            // A plain name never looks like a path.
            assert!(m
                .name()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
        for p in Procedure::ALL {
            assert!(
                p.offers(Macro::SubjectName) && p.offers(Macro::Sender),
                "{p:?}"
            );
        }
        let roots: Vec<_> = Source::ALL.iter().filter_map(|s| s.path_root()).collect();
        for (i, r) in roots.iter().enumerate() {
            assert!(!roots[i + 1..].contains(r));
            assert_eq!(
                Source::from_path_root(r).and_then(Source::path_root),
                Some(*r)
            );
        }
    }

    #[test]
    fn menu_is_the_union_grouped_by_source() {
        let menu = macros_for(&[Procedure::EmployeeList, Procedure::TaskForm]);
        let sources: Vec<_> = menu.iter().map(|g| g.source).collect();
        assert_eq!(
            sources,
            [
                Source::Subject,
                Source::Representative,
                Source::Task,
                Source::Company,
                Source::Sender
            ]
        );
        assert_eq!(menu[2].macros, [Macro::Task, Macro::TaskStart]);
        assert!(macros_for(&[]).is_empty());
        let notifications = macros_for(&[Procedure::Notifications]);
        assert!(!notifications.iter().any(|g| g.source == Source::Document));
        assert!(Procedure::SalesInvoiceList.has_source(Source::Document));
        assert!(!Procedure::OrderForm.offers(Macro::AmountDue));
    }
}
