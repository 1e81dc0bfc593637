/**
 * A faithful, stateful Kit (ConvertKit) API v4 simulator for tests and local demos.
 *
 * <p>Start one per test class (it binds a free loopback port in a few milliseconds):
 * <pre>
 * KitSimulator kit = KitSimulator.start(SimConfig.defaults()            // PUBLIC dialect, key "test-api-key"
 *         .withDialect(Dialect.SEED).withApiKeyLimit(10).withWindow(Duration.ofSeconds(2)));
 * kit.admin().seed(new SeedSpec(10_000, 20, List.of("plan", "company"), 42));
 * // code under test calls kit.baseUrl() + "/v4/subscribers" with X-Kit-Api-Key or Authorization: Bearer
 * kit.faults().inject(Fault.once("GET", "/v4/subscribers", FaultKind.STATUS, 503));
 * kit.admin().unsubscribe(id);                     // a change "made in the Kit UI": fires webhooks
 * kit.admin().awaitWebhooksDelivered(Duration.ofSeconds(5));
 * assertEquals(0, kit.admin().violations());       // the code under test never exceeded the rate limit
 * kit.close();
 * </pre>
 *
 * <p>Behaviour follows {@code convertkit-v4-seed.txt} ({@link io.kitbridge.sim.Dialect#SEED}) or
 * {@code kit-v4-deltas.md} ({@link io.kitbridge.sim.Dialect#PUBLIC}) where they differ. Notable choices:
 * subscriber lists default to {@code status=active} and ascending id order, answer {@code include=tags} with each
 * item's {@code tags: [{id, name}]} ({@code attribution}, {@code location}, {@code canceled_at} with
 * {@code status=cancelled} accepted, anything else 422) and {@code slim=true} without field values
 * ({@link io.kitbridge.sim.SimAdmin#setIgnoreIncludeTags} answers without the key, to test a fallback); {@code *_after} filters are inclusive,
 * {@code *_before} exclusive; an upsert/PUT never changes state; unsubscribe only moves {@code active} people;
 * injected faults are applied after authentication and rate limiting (a rate-limited request gets the real 429);
 * seeding replaces subscribers, tags and custom fields and fires no webhooks; signature timestamps use the real
 * clock (see {@link io.kitbridge.sim.SimAdmin#setSignatureTimestampSkew}), event {@code created} the simulator
 * clock. Credentials are never stored in the request log or violations (see
 * {@link io.kitbridge.sim.Violation#isFor(String)}).
 */
package io.kitbridge.sim;
