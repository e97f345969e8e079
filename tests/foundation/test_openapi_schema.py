"""The OpenAPI schema is served and documents every endpoint and the bearer scheme."""

from __future__ import annotations

from django.urls import reverse

ENDPOINTS = {
    "/api/auth/token": {"post"},
    "/api/auth/tokens": {"get"},
    "/api/auth/tokens/{token_id}": {"delete"},
    "/api/personas/": {"get"},
    "/api/conversations/": {"get", "post"},
    "/api/conversations/{conversation_id}/": {"get"},
    "/api/conversations/{conversation_id}/rating": {"put", "post"},
    "/api/turns/{turn_id}/rating": {"put", "post"},
}


def test_schema_lists_every_endpoint(client, db):
    response = client.get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.") and schema["info"]["title"] == "Avatar Talk API"
    for path, methods in ENDPOINTS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Token from POST /api/auth/token",
    }


def test_schema_is_served_as_yaml_by_default_and_the_docs_page_renders(client, db):
    yaml = client.get(reverse("api:schema"))
    docs = client.get(reverse("api:docs"))

    assert yaml.status_code == 200 and yaml.content.startswith(b"openapi: 3.")
    assert docs.status_code == 200 and reverse("api:schema") in docs.content.decode()


def test_schema_describes_request_bodies(client, db):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()

    token_request = schema["components"]["schemas"]["TokenRequest"]
    assert set(token_request["required"]) == {"username", "password"}
    rating = schema["components"]["schemas"]["Rating"]["properties"]["score"]
    assert (rating["minimum"], rating["maximum"]) == (1, 5)
