//! The served OpenAPI document covers every JSON route of both sides.

#[test]
fn the_document_lists_every_json_route() {
    let document = serde_json::to_value(read_api::openapi::document()).expect("serializes");
    let paths = document["paths"].as_object().expect("has paths");
    for path in [
        "/healthz",
        "/readyz",
        "/api/v1/inquiries",
        "/api/v1/categories",
        "/api/v1/tickets",
        "/api/v1/tickets/{number}/status",
        "/api/v1/tickets/{number}/priority",
        "/api/v1/tickets/{number}/assignee",
        "/api/v1/tickets/{number}/notes",
        "/api/v1/tickets/{number}/replies",
        "/api/v1/tickets/{number}/messages",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/events",
        "/api/v1/dashboard",
        "/api/v1/analytics",
        "/api/v1/triage-rules",
        "/api/v1/triage-rules/{id}",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} is missing from the OpenAPI document"
        );
    }
    let tickets = &paths["/api/v1/tickets"];
    assert!(
        tickets["get"].is_object() && tickets["post"].is_object(),
        "both the list and registration: {tickets}"
    );
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
}
