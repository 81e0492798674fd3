//! What the installation offers for sale and the payment providers' interface, on their own:
//! the app's state holds them, and they depend on nothing else of the app.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    #[default]
    Przelewy24,
    Payu,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Przelewy24 => "przelewy24",
            Provider::Payu => "payu",
        }
    }

    pub fn parse(text: &str) -> Option<Provider> {
        [Provider::Przelewy24, Provider::Payu]
            .into_iter()
            .find(|p| p.as_str() == text)
    }

    pub fn name(self) -> &'static str {
        match self {
            Provider::Przelewy24 => "Przelewy24",
            Provider::Payu => "PayU",
        }
    }
}

/// A package's gross price in one currency, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    pub currency: String,
    pub unit_price: i64,
}

/// What can be bought here: the installation's prices and payment providers (none: buying
/// online is not set up).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub prices: Vec<Price>,
    pub providers: Vec<Provider>,
}

#[cfg(feature = "ssr")]
mod interface {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;

    use super::{Offer, Price, Provider};

    /// A payment to register with a provider.
    #[derive(Debug, Clone)]
    pub struct Payment {
        /// Ours: the provider sends it back in its notification.
        pub session_id: String,
        /// Gross, in minor units.
        pub amount: i64,
        pub currency: String,
        pub description: String,
        /// The buyer's, for the provider's receipt.
        pub email: String,
        /// Where the buyer comes back to after paying.
        pub return_url: String,
        /// The buyer's address, as PayU asks.
        pub customer_ip: String,
    }

    /// A payment the provider registered.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Registered {
        /// Where the buyer pays.
        pub redirect_url: String,
        /// The provider's id of the payment, when it gives one now.
        pub provider_ref: Option<String>,
    }

    pub type Registering<'a> =
        Pin<Box<dyn Future<Output = Result<Registered, String>> + Send + 'a>>;

    /// A payment provider: it registers payments; its notifications come to the server's routes.
    pub trait PaymentProvider: Send + Sync {
        fn provider(&self) -> Provider;
        /// The error is the provider's answer or why it gave none (it is logged, not shown).
        fn register<'a>(&'a self, payment: &'a Payment) -> Registering<'a>;
    }

    /// The installation's prices and payment providers; empty when buying online is not set up.
    #[derive(Clone, Default)]
    pub struct Payments {
        /// A package's gross price per currency, in minor units.
        pub prices: Vec<Price>,
        pub providers: Vec<Arc<dyn PaymentProvider>>,
        /// This installation's address as buyers' browsers reach it (the return address).
        pub public_url: String,
        /// The origins of the providers' payment pages, where a purchase form may send the buyer.
        pub payment_pages: Vec<String>,
    }

    impl Payments {
        pub fn offer(&self) -> Offer {
            Offer {
                prices: self.prices.clone(),
                providers: self.providers.iter().map(|p| p.provider()).collect(),
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub use interface::{Payment, PaymentProvider, Payments, Registered, Registering};
