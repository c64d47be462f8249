/**
 * A DM-master simulator: both of DM-master's HTTP APIs (the grpc-gateway {@code /apis/v1alpha1} and the
 * OpenAPI {@code /api/v1}), a model of the DM-workers behind it (subtasks, relay, auto-resume, checkpoints in a
 * real downstream, relay dirs on disk) and injectable faults. It is an independent implementation of the
 * behaviour described in {@code shared/reference/dm-facts.md} (cited below as "§n"), so that tests of the
 * operator's own DM clients against it mean something: nothing here uses {@code io.dmremediation.dm} or the
 * domain records.
 *
 * <p>The entry point is {@link io.dmremediation.sandbox.dmmaster.DmMasterSimulator}.
 */
package io.dmremediation.sandbox.dmmaster;
