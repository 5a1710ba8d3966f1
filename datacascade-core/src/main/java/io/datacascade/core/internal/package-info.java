/**
 * Implementation of DataCascade core: not API, not exported by the module, may change at any time.
 * {@code ring}: the lock-free ring buffer; {@code engine}: the pipeline runtime and stage chain;
 * {@code connect}: the plug-in registry and built-in connectors.
 */
package io.datacascade.core.internal;
