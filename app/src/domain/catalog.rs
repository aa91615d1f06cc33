//! Reference data an order is checked against: warehouses, business types, channels, SKUs.

use serde::{Deserialize, Serialize};

pub type WarehouseId = i64;
pub type BusinessTypeId = i64;
pub type ChannelId = i64;
pub type SkuId = i64;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Warehouse {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: WarehouseId,
    pub code: String,
    pub name: String,
    pub country: String,
    /// Ship-from address for carrier quotes and labels.
    pub address1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum BusinessKind {
    B2C,
    B2B,
}

impl BusinessKind {
    pub const ALL: [BusinessKind; 2] = [BusinessKind::B2C, BusinessKind::B2B];

    pub fn code(self) -> &'static str {
        match self {
            BusinessKind::B2C => "B2C",
            BusinessKind::B2B => "B2B",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BusinessType {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: BusinessTypeId,
    pub code: String,
    pub name: String,
    pub kind: BusinessKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SignatureOption {
    Direct,
    Indirect,
    Adult,
    NoSignatureRequired,
}

impl SignatureOption {
    pub const ALL: [SignatureOption; 4] = [
        SignatureOption::Direct,
        SignatureOption::Indirect,
        SignatureOption::Adult,
        SignatureOption::NoSignatureRequired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SignatureOption::Direct => "direct",
            SignatureOption::Indirect => "indirect",
            SignatureOption::Adult => "adult",
            SignatureOption::NoSignatureRequired => "none",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            SignatureOption::Direct => "Direct Signature",
            SignatureOption::Indirect => "Indirect Signature",
            SignatureOption::Adult => "Adult Signature",
            SignatureOption::NoSignatureRequired => "No Signature Required",
        }
    }

    /// Comma-separated codes, the storage form of a channel's option list.
    pub fn list_to_codes(options: &[SignatureOption]) -> String {
        options.iter().map(|o| o.code()).collect::<Vec<_>>().join(",")
    }

    /// Unknown codes are dropped: they can only come from hand-edited data.
    pub fn list_from_codes(codes: &str) -> Vec<SignatureOption> {
        codes.split(',').filter_map(|c| Self::from_code(c.trim())).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Channel {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: ChannelId,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub warehouse_id: WarehouseId,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub business_type_id: BusinessTypeId,
    pub code: String,
    pub carrier: String,
    pub service_type: String,
    pub signature_options: Vec<SignatureOption>,
}

impl Channel {
    /// Self-pickup channels are those whose code ends in `_A`: the merchant brings their own
    /// label and tracking number instead of buying one from the carrier.
    pub fn is_self_pickup(&self) -> bool {
        is_self_pickup_code(&self.code)
    }

    pub fn display_name(&self) -> String {
        format!("{} — {} ({})", self.code, self.carrier, self.service_type)
    }
}

pub fn is_self_pickup_code(code: &str) -> bool {
    code.ends_with("_A")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Sku {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: SkuId,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub warehouse_id: WarehouseId,
    pub code: String,
    pub name: String,
    pub barcode: String,
    pub weight_grams: i64,
}

impl Sku {
    /// Case-insensitive match on code, name or barcode, for the 【Add SKU】 search box.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        q.is_empty()
            || self.code.to_lowercase().contains(&q)
            || self.name.to_lowercase().contains(&q)
            || self.barcode.contains(&q)
    }
}

/// What an order is validated against. The browser holds the merchant's whole catalog; the
/// server loads just the rows the order refers to. Either way the same rules run on it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Catalog {
    pub warehouses: Vec<Warehouse>,
    pub business_types: Vec<BusinessType>,
    pub channels: Vec<Channel>,
    pub skus: Vec<Sku>,
}

impl Catalog {
    pub fn warehouse(&self, id: WarehouseId) -> Option<&Warehouse> {
        self.warehouses.iter().find(|w| w.id == id)
    }
    pub fn business_type(&self, id: BusinessTypeId) -> Option<&BusinessType> {
        self.business_types.iter().find(|b| b.id == id)
    }
    pub fn channel(&self, id: ChannelId) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }
    pub fn sku(&self, id: SkuId) -> Option<&Sku> {
        self.skus.iter().find(|s| s.id == id)
    }
    /// Channels a merchant may pick for this warehouse and business type.
    pub fn channels_for(
        &self,
        warehouse_id: WarehouseId,
        business_type_id: BusinessTypeId,
    ) -> impl Iterator<Item = &Channel> {
        self.channels
            .iter()
            .filter(move |c| c.warehouse_id == warehouse_id && c.business_type_id == business_type_id)
    }
    pub fn skus_in(&self, warehouse_id: WarehouseId) -> impl Iterator<Item = &Sku> {
        self.skus.iter().filter(move |s| s.warehouse_id == warehouse_id)
    }
}
