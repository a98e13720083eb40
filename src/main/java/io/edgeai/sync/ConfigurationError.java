package io.edgeai.sync;

/** A setting that is missing or wrong: said in one line, and the process exits with 2 (EdgeaiSync). */
public final class ConfigurationError extends IllegalStateException {
    public ConfigurationError(String message) {
        super(message);
    }

    /**
     * The configuration error behind {@code failure}, if that is what it is: ours, or a Camel
     * setting ({@code camel.*}) that Camel Main could not bind, said as the setting and its value.
     */
    static java.util.Optional<ConfigurationError> in(Throwable failure) {
        return Causes.find(failure, ConfigurationError.class).or(() -> Causes.find(failure, org.apache.camel.PropertyBindingException.class)
            .map(binding -> new ConfigurationError(settingOf(binding) + " cannot be set to '" + binding.getValue()
                + "' (no such option, or not a value of its type)")));
    }

    /** The setting as it is written in a properties file ({@code camel.component.paho.keep-alive-interval}). */
    private static String settingOf(org.apache.camel.PropertyBindingException binding) {
        String key = binding.getOptionKey() != null ? binding.getOptionKey() : binding.getPropertyName();
        return (binding.getOptionPrefix() != null ? binding.getOptionPrefix() : "") + key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
