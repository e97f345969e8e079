// The JSON API calls the talk page makes: earlier turns and answer ratings.
// Session auth: same-origin cookies plus Django's CSRF token header on writes.

export class Api {
  constructor(base, csrfToken) {
    this.base = base.endsWith("/") ? base : `${base}/`;
    this.csrfToken = csrfToken;
  }

  async request(method, path, body) {
    const response = await fetch(this.base + path, {
      method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        ...(body ? { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = data && (data.detail || Object.values(data).flat().join(" "));
      throw new Error(detail || `HTTP ${response.status}`);
    }
    return data;
  }

  /** One conversation with all its turns (GET /api/conversations/<id>/). */
  conversation(id) {
    return this.request("GET", `conversations/${id}/`);
  }

  /** Rate one answer (PUT /api/turns/<id>/rating). */
  rateTurn(turnId, score, comment) {
    return this.request("PUT", `turns/${turnId}/rating`, { score, comment });
  }
}
