-- Least-privilege database users for Madoguchi (MariaDB 10.11 / 11.8).
--
-- Users:
--   madoguchi_migrator  DDL and DML on the schema. Used only by the one-off
--                       `madoguchi migrate` task (secret migrator-database-url).
--   madoguchi_app       What the running services need and nothing more
--                       (secret database-url):
--                         events            SELECT, INSERT only. The event
--                                           store is append-only; without
--                                           UPDATE and DELETE, a bug or an
--                                           injected query cannot rewrite
--                                           history.
--                         _sqlx_migrations  SELECT (readiness check).
--                         every other table SELECT, INSERT, UPDATE, DELETE
--                                           (read models, checkpoints,
--                                           outbox, sessions).
--                       No DDL, no FILE, no PROCESS, no GRANT.
--
-- Table privileges are per table, so they must be re-applied after every
-- migration that adds a table. This file installs a procedure for that:
--   CALL madoguchi.apply_app_grants();
-- `madoguchi migrate` (running as the migrator) is expected to call it after
-- applying migrations; an operator can run it by hand as well.
-- It only adds and tightens privileges, so running services never lose
-- access while it runs.
--
-- Run this whole file once per environment as the RDS master user (its
-- password is in the secret named by the `database_master_secret_arn`
-- output), and again to change the two passwords:
--
--   mariadb --ssl --host "$DB_HOST" --user madoguchi_admin --password \
--     --init-command="SET @app_password='…', @migrator_password='…'" \
--     madoguchi < infra/modules/rds/app-grants.sql
--
-- Then put the matching URLs into the database-url and
-- migrator-database-url secrets.

DELIMITER //

BEGIN NOT ATOMIC
  IF COALESCE(@app_password, '') = '' OR COALESCE(@migrator_password, '') = '' THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'Set @app_password and @migrator_password (see the header of app-grants.sql)';
  END IF;
END //

DELIMITER ;

-- Users. Passwords go through QUOTE() so they never need escaping by hand.
SET @stmt = CONCAT('CREATE USER IF NOT EXISTS ''madoguchi_app''@''%'' IDENTIFIED BY ', QUOTE(@app_password));
PREPARE s FROM @stmt;
EXECUTE s;
SET @stmt = CONCAT('ALTER USER ''madoguchi_app''@''%'' IDENTIFIED BY ', QUOTE(@app_password), ' REQUIRE SSL');
PREPARE s FROM @stmt;
EXECUTE s;

SET @stmt = CONCAT('CREATE USER IF NOT EXISTS ''madoguchi_migrator''@''%'' IDENTIFIED BY ', QUOTE(@migrator_password));
PREPARE s FROM @stmt;
EXECUTE s;
SET @stmt = CONCAT('ALTER USER ''madoguchi_migrator''@''%'' IDENTIFIED BY ', QUOTE(@migrator_password), ' REQUIRE SSL');
PREPARE s FROM @stmt;
EXECUTE s;
DEALLOCATE PREPARE s;
SET @stmt = NULL, @app_password = NULL, @migrator_password = NULL;

-- The migrator owns the schema's structure.
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES,
      CREATE VIEW, SHOW VIEW, TRIGGER, LOCK TABLES, CREATE TEMPORARY TABLES
   ON madoguchi.* TO 'madoguchi_migrator'@'%';

DELIMITER //

-- Runs with the definer's (master user's) rights, so the migrator can
-- apply the app's grants without holding GRANT OPTION itself.
CREATE OR REPLACE DEFINER = CURRENT_USER PROCEDURE madoguchi.apply_app_grants()
  SQL SECURITY DEFINER
  COMMENT 'Re-applies madoguchi_app table privileges; run after migrations'
BEGIN
  DECLARE done BOOLEAN DEFAULT FALSE;
  DECLARE tbl VARCHAR(64);
  DECLARE cur CURSOR FOR
    SELECT table_name
      FROM information_schema.tables
     WHERE table_schema = 'madoguchi' AND table_type = 'BASE TABLE';
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;

  -- Schema-wide DML would include UPDATE and DELETE on events; never allow it.
  BEGIN
    DECLARE CONTINUE HANDLER FOR 1141, 1147 BEGIN END; -- nothing to revoke
    REVOKE ALL PRIVILEGES ON madoguchi.* FROM 'madoguchi_app'@'%';
  END;

  OPEN cur;
  grants: LOOP
    FETCH cur INTO tbl;
    IF done THEN
      LEAVE grants;
    END IF;

    IF tbl = 'events' THEN
      SET @allowed = 'SELECT, INSERT', @denied = 'UPDATE, DELETE';
    ELSEIF tbl = '_sqlx_migrations' THEN
      SET @allowed = 'SELECT', @denied = 'INSERT, UPDATE, DELETE';
    ELSE
      SET @allowed = 'SELECT, INSERT, UPDATE, DELETE', @denied = NULL;
    END IF;

    SET @stmt = CONCAT('GRANT ', @allowed, ' ON madoguchi.`', REPLACE(tbl, '`', '``'), '` TO ''madoguchi_app''@''%''');
    PREPARE s FROM @stmt;
    EXECUTE s;
    DEALLOCATE PREPARE s;

    IF @denied IS NOT NULL THEN
      SET @stmt = CONCAT('REVOKE ', @denied, ' ON madoguchi.`', REPLACE(tbl, '`', '``'), '` FROM ''madoguchi_app''@''%''');
      PREPARE s FROM @stmt;
      EXECUTE s;
      DEALLOCATE PREPARE s;
    END IF;
  END LOOP;
  CLOSE cur;
END //

DELIMITER ;

GRANT EXECUTE ON PROCEDURE madoguchi.apply_app_grants TO 'madoguchi_migrator'@'%';

CALL madoguchi.apply_app_grants();
