package io.edgeai.sync.remote;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS trust of a node's object stores and web servers when they present certificates of a
 * private CA: a trust store (PKCS12 or JKS) whose certificates are the only ones trusted for
 * {@code https://} datasets and models and the S3 endpoint. Without one, the JVM's own trust applies.
 */
public final class TrustStores {
    private TrustStores() {
    }

    /** A TLS context trusting the certificates in this store; refused in one line if it cannot be read. */
    public static SSLContext load(Path store, String password) {
        try {
            KeyStore trusted = KeyStore.getInstance(store.toFile(), password == null ? null : password.toCharArray());
            if (trusted.size() == 0) {
                throw new IllegalArgumentException(store + " holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // the message only: a wrong password, a file that is not a key store, one that is missing
            throw new IllegalArgumentException("cannot read the trust store " + store + ": " + e.getMessage());
        }
    }
}
