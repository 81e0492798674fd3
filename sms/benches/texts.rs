//! The benchmark texts, shared by the native benchmarks (`analyze.rs`) and
//! the browser harness (`wasm/`), so both time exactly the same input.
#![allow(dead_code)]

/// A clinic reminder in Polish: UCS-2 because of ą ć ę ł ń ó ś ź ż.
pub const POLISH: &str = "Szanowni Państwo, przypominamy o wizycie w przychodni \
\"Zdrowie\" w poniedziałek 14 grudnia o godz. 9:30 (gabinet nr 12, II piętro). \
Prosimy zabrać dowód osobisty, skierowanie oraz wyniki badań. W razie \
rezygnacji prosimy o kontakt pod numerem 22 123 45 67 lub odpowiedź NIE. \
Życzymy zdrowia i miłego dnia! ";

/// The same kind of message in plain ASCII (GSM-7).
pub const GSM: &str = "Dear customer, this is a reminder of your appointment \
at the \"Health\" clinic on Monday 14 December at 9:30 (room 12, 2nd floor). \
Please bring your ID card, the referral and your test results. To cancel, \
call 22 123 45 67 or reply NO. Have a nice day! ";

/// GSM-7 with extension characters and non-ASCII GSM letters (escapes cost
/// 2 septets).
pub const GSM_EXTENDED: &str = "Café \"Été\": menu du jour 12€ {entrée + plat}, \
dessert [crème brulée] ~3€, boisson à volonté | réservation: 01 23 45 67 89. \
Ñandù & Ästhetik @ 20% off, ¿qué màs? Ça va! ";

/// `base` repeated and cut to exactly `chars` characters.
pub fn text(base: &str, chars: usize) -> String {
    base.chars().cycle().take(chars).collect()
}

/// A ~60-character one-part message (GSM-7).
pub fn short_gsm() -> String {
    String::from("Your code is 482913. It expires in 10 minutes. Do not share.")
}

/// A ~60-character one-part message (UCS-2).
pub fn short_polish() -> String {
    String::from("Wizyta: pon. 9:30, ul. Długa 5, gab. 12. Potwierdź: TAK/NIE")
}
