package io.edgeai.sync.resources;

import java.util.regex.Pattern;

/**
 * Kubernetes' DNS-1123 names, the rule for node names, namespaces and resource names alike. Checked
 * again here (not only by the CRD schema) because these names become MQTT topic levels: a name that
 * passes can hold no {@code /}, {@code +} or {@code #}.
 */
public final class ResourceNames {
    public static final Pattern DNS_1123_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private ResourceNames() {
    }

    public static boolean valid(String name) {
        return name != null && name.length() <= 253 && DNS_1123_SUBDOMAIN.matcher(name).matches();
    }
}
