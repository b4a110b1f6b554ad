package dev.latchkey.introspection;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.ClientCredentials;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceServerClientsTest {

    private static ResourceServerClients clients(String configured) {
        ResourceServerClients clients = new ResourceServerClients();
        clients.settings = IntrospectionSettings.from(SettingsSource.of(
                configured == null ? Map.of() : Map.of(IntrospectionSettings.CLIENTS, configured)));
        clients.load();
        return clients;
    }

    @Test
    void onlyARegisteredClientWithItsOwnSecretAuthenticates() {
        String orders = ClientCredentials.generateSecret();
        String billing = ClientCredentials.generateSecret();
        ResourceServerClients clients = clients(" orders-api:" + ClientCredentials.hash(orders) + " , billing:" + ClientCredentials.hash(billing));
        assertTrue(clients.authenticate("orders-api", orders));
        assertTrue(clients.authenticate("billing", billing));
        assertFalse(clients.authenticate("orders-api", billing));
        assertFalse(clients.authenticate("orders-api", orders + "x"));
        assertFalse(clients.authenticate("orders-api", ""));
        assertFalse(clients.authenticate("unknown", orders));
        // The stored hash is not a password: presenting it authenticates nobody.
        assertFalse(clients.authenticate("orders-api", ClientCredentials.hash(orders)));
    }

    @Test
    void withoutRegistrationsNobodyAuthenticates() {
        assertFalse(clients(null).authenticate("", ""));
        assertFalse(clients("").authenticate("orders-api", "anything"));
    }

    @Test
    void malformedRegistrationsStopTheServer() {
        String hash = ClientCredentials.hash(ClientCredentials.generateSecret());
        for (String configured : new String[] {"orders-api", "orders-api:", "orders-api:not-a-hash",
                "bad id:" + hash, ":" + hash, "a:" + hash + ",a:" + hash, "a:" + hash.substring(1)}) {
            assertThrows(IllegalStateException.class, () -> clients(configured), configured);
        }
    }

    @Test
    void secretsAre256RandomBits() {
        String secret = ClientCredentials.generateSecret();
        assertEquals(43, secret.length());
        assertFalse(secret.equals(ClientCredentials.generateSecret()));
    }
}
