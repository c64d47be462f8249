/**
 * Talking to DM-master, and reading what it says.
 *
 * <ul>
 *   <li>{@link io.dmremediation.dm.DmStatusJson}: DM's JSON (gateway/dmctl query-status, OpenAPI status, lists,
 *       members, pasted text) to the domain snapshot. Pure.</li>
 *   <li>{@link io.dmremediation.dm.DmMaster}: what the operator needs from a DM-master;
 *       {@link io.dmremediation.dm.DmMasterClients#connect(String)} gives a
 *       {@link io.dmremediation.dm.DmMasterConnection} that detects OpenAPI and combines
 *       {@link io.dmremediation.dm.GatewayClient} ({@code /apis/v1alpha1}) with
 *       {@link io.dmremediation.dm.OpenApiClient} ({@code /api/v1}).</li>
 *   <li>{@link io.dmremediation.dm.DmMasterException} and its subclasses: every failure, typed by
 *       {@link io.dmremediation.dm.DmMasterException.Kind}, with a one-line message that never holds a config.</li>
 * </ul>
 *
 * The facts these classes follow, with DM source lines: {@code shared/reference/dm-facts.md} §1-4, §8.
 */
package io.dmremediation.dm;
