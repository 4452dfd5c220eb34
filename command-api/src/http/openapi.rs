//! The OpenAPI document of the command API, merged with the read API's by the
//! composition root and served at `/api/v1/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{health, inquiries, tickets, triage_rules};

#[derive(OpenApi)]
#[openapi(
    info(title = "Madoguchi API", description = "LifestyleMart お問い合わせ窓口の API"),
    paths(
        health::healthz,
        health::readyz,
        inquiries::post,
        tickets::create,
        tickets::change_status,
        tickets::change_priority,
        tickets::assign,
        tickets::add_note,
        tickets::queue_reply,
        tickets::record_message,
        triage_rules::create,
        triage_rules::update,
    ),
    modifiers(&BearerAuth)
)]
pub struct CommandApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
