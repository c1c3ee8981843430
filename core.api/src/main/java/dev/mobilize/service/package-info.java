/**
 * The services Mobilize plugins provide and the commands consume: {@link dev.mobilize.service.ModelImporter},
 * {@link dev.mobilize.service.ModelExporter}, {@link dev.mobilize.service.GraphPass},
 * {@link dev.mobilize.service.GraphExecutor} and {@link dev.mobilize.service.Quantizer}, found in the OSGi
 * service registry by the properties in
 * {@link dev.mobilize.service.ServiceProperties}, plus the small types they exchange.
 */
@Export
@Version("0.6.0")
package dev.mobilize.service;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
