package io.dmremediation.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class EmbeddedMariaDbTest {

    @Test
    void servesRealUsersWithPasswords() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("probe", "probe-pass");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "probe", "probe-pass");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains("MariaDB");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(""), "probe", "wrong"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied");
    }
}
