
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "dev": {
          Tables: {
            "facilities": {
                  Row: {
                    "active": boolean,"created_at": string,"facility_code": string,"facility_name": string,"facility_type": string | null,"id": number,"member_count": number,"region_code": string | null,"region_name": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"facility_code": string,"facility_name": string,"facility_type"?: string | null,"id"?: never,"member_count"?: number,"region_code"?: string | null,"region_name"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"facility_code"?: string,"facility_name"?: string,"facility_type"?: string | null,"id"?: never,"member_count"?: number,"region_code"?: string | null,"region_name"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"members": {
                  Row: {
                    "auth0_user_id": string | null,"created_at": string,"discord_id": string | null,"discord_username": string | null,"discord_verified": boolean,"email": string | null,"facility_code": string | null,"facility_name": string | null,"first_name": string,"id": number,"last_auth0_sync": string | null,"last_name": string,"last_sync": string | null,"member_number": string,"member_type": string | null,"member_type_id": number | null,"region_code": string | null,"region_name": string | null,"source_email": string | null,"status": string,"updated_at": string,"verified_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "auth0_user_id"?: string | null,"created_at"?: string,"discord_id"?: string | null,"discord_username"?: string | null,"discord_verified"?: boolean,"email"?: string | null,"facility_code"?: string | null,"facility_name"?: string | null,"first_name": string,"id"?: never,"last_auth0_sync"?: string | null,"last_name": string,"last_sync"?: string | null,"member_number": string,"member_type"?: string | null,"member_type_id"?: number | null,"region_code"?: string | null,"region_name"?: string | null,"source_email"?: string | null,"status"?: string,"updated_at"?: string,"verified_at"?: string | null
                  }
                  Update: {
                    "auth0_user_id"?: string | null,"created_at"?: string,"discord_id"?: string | null,"discord_username"?: string | null,"discord_verified"?: boolean,"email"?: string | null,"facility_code"?: string | null,"facility_name"?: string | null,"first_name"?: string,"id"?: never,"last_auth0_sync"?: string | null,"last_name"?: string,"last_sync"?: string | null,"member_number"?: string,"member_type"?: string | null,"member_type_id"?: number | null,"region_code"?: string | null,"region_name"?: string | null,"source_email"?: string | null,"status"?: string,"updated_at"?: string,"verified_at"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"positions": {
                  Row: {
                    "active": boolean,"created_at": string,"end_date": string | null,"facility_code": string | null,"facility_name": string | null,"id": number,"member_number": string,"position_title": string | null,"position_type": string,"source_id": number,"start_date": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"end_date"?: string | null,"facility_code"?: string | null,"facility_name"?: string | null,"id"?: never,"member_number": string,"position_title"?: string | null,"position_type": string,"source_id": number,"start_date"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"end_date"?: string | null,"facility_code"?: string | null,"facility_name"?: string | null,"id"?: never,"member_number"?: string,"position_title"?: string | null,"position_type"?: string,"source_id"?: number,"start_date"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "positions_member_number_fkey"
      columns: ["member_number"]
isOneToOne: false
      referencedRelation: "members"
      referencedColumns: ["member_number"]
    }
                  ]
                },"regions": {
                  Row: {
                    "active": boolean,"created_at": string,"facility_count": number,"id": number,"member_count": number,"region_code": string,"region_name": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"facility_count"?: number,"id"?: never,"member_count"?: number,"region_code": string,"region_name": string,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"facility_count"?: number,"id"?: never,"member_count"?: number,"region_code"?: string,"region_name"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"sync_cursor": {
                  Row: {
                    "after_id": number,"environment_singleton": boolean,"failures": number,"full_compare": boolean,"mapping_version": number | null,"started_at": string,"sync_id": string,"table_name": string,"tables": (string)[],"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "after_id"?: number,"environment_singleton"?: boolean,"failures"?: number,"full_compare"?: boolean,"mapping_version"?: number | null,"started_at"?: string,"sync_id": string,"table_name": string,"tables": (string)[],"updated_at"?: string
                  }
                  Update: {
                    "after_id"?: number,"environment_singleton"?: boolean,"failures"?: number,"full_compare"?: boolean,"mapping_version"?: number | null,"started_at"?: string,"sync_id"?: string,"table_name"?: string,"tables"?: (string)[],"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"sync_logs": {
                  Row: {
                    "created_at": string,"duration_ms": number | null,"error_details": Json | null,"id": number,"operation": string,"records_deactivated": number,"records_failed": number,"records_inserted": number,"records_processed": number,"records_succeeded": number,"records_unchanged": number,"records_updated": number,"status": string | null,"sync_id": string,"table_name": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"duration_ms"?: number | null,"error_details"?: Json | null,"id"?: never,"operation": string,"records_deactivated"?: number,"records_failed"?: number,"records_inserted"?: number,"records_processed"?: number,"records_succeeded"?: never,"records_unchanged"?: number,"records_updated"?: number,"status"?: string | null,"sync_id": string,"table_name"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"duration_ms"?: number | null,"error_details"?: Json | null,"id"?: never,"operation"?: string,"records_deactivated"?: number,"records_failed"?: number,"records_inserted"?: number,"records_processed"?: number,"records_succeeded"?: never,"records_unchanged"?: number,"records_updated"?: number,"status"?: string | null,"sync_id"?: string,"table_name"?: string | null
                  }
                  Relationships: [
                    
                  ]
                }
          }
          Views: {
            [_ in never]: never
          }
          Functions: {
            [_ in never]: never
          }
          Enums: {
            [_ in never]: never
          }
          CompositeTypes: {
            [_ in never]: never
          }
        },"discord": {
          Tables: {
            "discord_link_audit": {
                  Row: {
                    "action": string,"auth0_user_id": string | null,"changed_at": string,"id": number,"member_number": string,"new_discord_id": string | null,"old_discord_id": string | null,"reason": string | null,"requested_by": string,"verification_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "action"?: string,"auth0_user_id"?: string | null,"changed_at"?: string,"id"?: never,"member_number": string,"new_discord_id"?: string | null,"old_discord_id"?: string | null,"reason"?: string | null,"requested_by": string,"verification_id"?: string | null
                  }
                  Update: {
                    "action"?: string,"auth0_user_id"?: string | null,"changed_at"?: string,"id"?: never,"member_number"?: string,"new_discord_id"?: string | null,"old_discord_id"?: string | null,"reason"?: string | null,"requested_by"?: string,"verification_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"guilds": {
                  Row: {
                    "created_at": string,"guild_id": string,"name": string,"nickname_template": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"guild_id": string,"name": string,"nickname_template"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"guild_id"?: string,"name"?: string,"nickname_template"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"member_events": {
                  Row: {
                    "created_at": string,"details": NonNullable<Json>,"discord_id": string,"id": number,"kind": string,"member_number": string,"request_id": string | null,"source": string,"sync_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"details"?: NonNullable<Json>,"discord_id": string,"id"?: number,"kind": string,"member_number": string,"request_id"?: string | null,"source": string,"sync_id"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"details"?: NonNullable<Json>,"discord_id"?: string,"id"?: number,"kind"?: string,"member_number"?: string,"request_id"?: string | null,"source"?: string,"sync_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"role_grace": {
                  Row: {
                    "created_at": string,"discord_id": string,"grace_until": string,"guild_id": string,"member_number": string,"role_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"discord_id": string,"grace_until": string,"guild_id": string,"member_number": string,"role_id": string
                  }
                  Update: {
                    "created_at"?: string,"discord_id"?: string,"grace_until"?: string,"guild_id"?: string,"member_number"?: string,"role_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "role_grace_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "guilds"
      referencedColumns: ["guild_id"]
    },{
      foreignKeyName: "role_grace_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "member_roles"
      referencedColumns: ["guild_id"]
    }
                  ]
                },"role_rules": {
                  Row: {
                    "active": boolean,"created_at": string,"description": string,"facility_codes": (string)[] | null,"grace_days": number,"guild_id": string,"id": number,"member_statuses": (string)[] | null,"member_type_ids": (number)[] | null,"position_types": (string)[] | null,"region_codes": (string)[] | null,"role_id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"description"?: string,"facility_codes"?: (string)[] | null,"grace_days"?: number,"guild_id": string,"id"?: never,"member_statuses"?: (string)[] | null,"member_type_ids"?: (number)[] | null,"position_types"?: (string)[] | null,"region_codes"?: (string)[] | null,"role_id": string,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"description"?: string,"facility_codes"?: (string)[] | null,"grace_days"?: number,"guild_id"?: string,"id"?: never,"member_statuses"?: (string)[] | null,"member_type_ids"?: (number)[] | null,"position_types"?: (string)[] | null,"region_codes"?: (string)[] | null,"role_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "guilds"
      referencedColumns: ["guild_id"]
    },{
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "member_roles"
      referencedColumns: ["guild_id"]
    }
                  ]
                },"validation_logs": {
                  Row: {
                    "created_at": string,"discord_id": string,"id": number,"member_number": string,"reason": string | null,"result": string,"run_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"discord_id": string,"id"?: never,"member_number": string,"reason"?: string | null,"result": string,"run_id": string
                  }
                  Update: {
                    "created_at"?: string,"discord_id"?: string,"id"?: never,"member_number"?: string,"reason"?: string | null,"result"?: string,"run_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "validation_logs_run_id_fkey"
      columns: ["run_id"]
isOneToOne: false
      referencedRelation: "validation_summaries"
      referencedColumns: ["run_id"]
    }
                  ]
                },"validation_summaries": {
                  Row: {
                    "checked": number,"duration_ms": number | null,"eligible": number,"finished_at": string | null,"inactive": number,"missing": number,"run_id": string,"started_at": string,"sync_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "checked"?: number,"duration_ms"?: number | null,"eligible"?: number,"finished_at"?: string | null,"inactive"?: number,"missing"?: number,"run_id"?: string,"started_at"?: string,"sync_id"?: string | null
                  }
                  Update: {
                    "checked"?: number,"duration_ms"?: number | null,"eligible"?: number,"finished_at"?: string | null,"inactive"?: number,"missing"?: number,"run_id"?: string,"started_at"?: string,"sync_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"verification_requests": {
                  Row: {
                    "auth0_user_id": string | null,"completed_at": string | null,"created_at": string,"discord_id": string,"discord_username": string,"expires_at": string,"failure_reason": string | null,"id": number,"member_number": string | null,"status": string,"updated_at": string,"verification_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "auth0_user_id"?: string | null,"completed_at"?: string | null,"created_at"?: string,"discord_id": string,"discord_username": string,"expires_at": string,"failure_reason"?: string | null,"id"?: never,"member_number"?: string | null,"status"?: string,"updated_at"?: string,"verification_id"?: string
                  }
                  Update: {
                    "auth0_user_id"?: string | null,"completed_at"?: string | null,"created_at"?: string,"discord_id"?: string,"discord_username"?: string,"expires_at"?: string,"failure_reason"?: string | null,"id"?: never,"member_number"?: string | null,"status"?: string,"updated_at"?: string,"verification_id"?: string
                  }
                  Relationships: [
                    
                  ]
                }
          }
          Views: {
            "ineligible_links": {
                  Row: {
                    "checked_at": string,"discord_id": string,"member_number": string,"reason": string | null,"result": string,"run_id": string
                  }
                  ComputedFields: never
                  Insert: {
                           "checked_at"?: string | null,"discord_id"?: string | null,"member_number"?: string | null,"reason"?: string | null,"result"?: string | null,"run_id"?: string | null
                         }
                        Update: {
                           "checked_at"?: string | null,"discord_id"?: string | null,"member_number"?: string | null,"reason"?: string | null,"result"?: string | null,"run_id"?: string | null
                         }
                        Relationships: [
                    {
      foreignKeyName: "validation_logs_run_id_fkey"
      columns: ["run_id"]
isOneToOne: false
      referencedRelation: "validation_summaries"
      referencedColumns: ["run_id"]
    }
                  ]
                },"managed_roles": {
                  Row: {
                    "guild_id": string,"role_id": string
                  }
                  ComputedFields: never
                  Relationships: [
                    {
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "guilds"
      referencedColumns: ["guild_id"]
    },{
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "member_roles"
      referencedColumns: ["guild_id"]
    }
                  ]
                },"member_roles": {
                  Row: {
                    "discord_id": string | null,"grace_until": string | null,"guild_id": string,"member_number": string,"nickname": string | null,"role_ids": (string)[] | null
                  }
                  ComputedFields: never
                  Relationships: [
                    
                  ]
                },"role_rule_matches": {
                  Row: {
                    "discord_id": string | null,"grace_days": number,"guild_id": string,"member_number": string,"role_id": string,"rule_id": number,"status_holds": boolean | null
                  }
                  ComputedFields: never
                  Relationships: [
                    {
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "guilds"
      referencedColumns: ["guild_id"]
    },{
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "member_roles"
      referencedColumns: ["guild_id"]
    }
                  ]
                }
          }
          Functions: {
            "member_events_since":
{ Args: { "after_id": number,"max_rows"?: number }; Returns: {
              "created_at": string,
"details": NonNullable<Json>,
"discord_id": string,
"id": number,
"kind": string,
"member_number": string,
"request_id": string | null,
"source": string,
"sync_id": string | null
            }[]
                          SetofOptions: {
        from: "*"
        to: "member_events"
        isOneToOne: false
        isSetofReturn: true
      } },
"nickname_for":
{ Args: { "facility_code": string,"first_name": string,"last_name": string,"member_number": string,"region_code": string,"template": string }; Returns: string
                           }
          }
          Enums: {
            [_ in never]: never
          }
          CompositeTypes: {
            [_ in never]: never
          }
        },"discord_dev": {
          Tables: {
            "discord_link_audit": {
                  Row: {
                    "action": string,"auth0_user_id": string | null,"changed_at": string,"id": number,"member_number": string,"new_discord_id": string | null,"old_discord_id": string | null,"reason": string | null,"requested_by": string,"verification_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "action"?: string,"auth0_user_id"?: string | null,"changed_at"?: string,"id"?: never,"member_number": string,"new_discord_id"?: string | null,"old_discord_id"?: string | null,"reason"?: string | null,"requested_by": string,"verification_id"?: string | null
                  }
                  Update: {
                    "action"?: string,"auth0_user_id"?: string | null,"changed_at"?: string,"id"?: never,"member_number"?: string,"new_discord_id"?: string | null,"old_discord_id"?: string | null,"reason"?: string | null,"requested_by"?: string,"verification_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"guilds": {
                  Row: {
                    "created_at": string,"guild_id": string,"name": string,"nickname_template": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"guild_id": string,"name": string,"nickname_template"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"guild_id"?: string,"name"?: string,"nickname_template"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"member_events": {
                  Row: {
                    "created_at": string,"details": NonNullable<Json>,"discord_id": string,"id": number,"kind": string,"member_number": string,"request_id": string | null,"source": string,"sync_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"details"?: NonNullable<Json>,"discord_id": string,"id"?: number,"kind": string,"member_number": string,"request_id"?: string | null,"source": string,"sync_id"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"details"?: NonNullable<Json>,"discord_id"?: string,"id"?: number,"kind"?: string,"member_number"?: string,"request_id"?: string | null,"source"?: string,"sync_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"role_grace": {
                  Row: {
                    "created_at": string,"discord_id": string,"grace_until": string,"guild_id": string,"member_number": string,"role_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"discord_id": string,"grace_until": string,"guild_id": string,"member_number": string,"role_id": string
                  }
                  Update: {
                    "created_at"?: string,"discord_id"?: string,"grace_until"?: string,"guild_id"?: string,"member_number"?: string,"role_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "role_grace_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "guilds"
      referencedColumns: ["guild_id"]
    },{
      foreignKeyName: "role_grace_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "member_roles"
      referencedColumns: ["guild_id"]
    }
                  ]
                },"role_rules": {
                  Row: {
                    "active": boolean,"created_at": string,"description": string,"facility_codes": (string)[] | null,"grace_days": number,"guild_id": string,"id": number,"member_statuses": (string)[] | null,"member_type_ids": (number)[] | null,"position_types": (string)[] | null,"region_codes": (string)[] | null,"role_id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"description"?: string,"facility_codes"?: (string)[] | null,"grace_days"?: number,"guild_id": string,"id"?: never,"member_statuses"?: (string)[] | null,"member_type_ids"?: (number)[] | null,"position_types"?: (string)[] | null,"region_codes"?: (string)[] | null,"role_id": string,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"description"?: string,"facility_codes"?: (string)[] | null,"grace_days"?: number,"guild_id"?: string,"id"?: never,"member_statuses"?: (string)[] | null,"member_type_ids"?: (number)[] | null,"position_types"?: (string)[] | null,"region_codes"?: (string)[] | null,"role_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "guilds"
      referencedColumns: ["guild_id"]
    },{
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "member_roles"
      referencedColumns: ["guild_id"]
    }
                  ]
                },"validation_logs": {
                  Row: {
                    "created_at": string,"discord_id": string,"id": number,"member_number": string,"reason": string | null,"result": string,"run_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"discord_id": string,"id"?: never,"member_number": string,"reason"?: string | null,"result": string,"run_id": string
                  }
                  Update: {
                    "created_at"?: string,"discord_id"?: string,"id"?: never,"member_number"?: string,"reason"?: string | null,"result"?: string,"run_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "validation_logs_run_id_fkey"
      columns: ["run_id"]
isOneToOne: false
      referencedRelation: "validation_summaries"
      referencedColumns: ["run_id"]
    }
                  ]
                },"validation_summaries": {
                  Row: {
                    "checked": number,"duration_ms": number | null,"eligible": number,"finished_at": string | null,"inactive": number,"missing": number,"run_id": string,"started_at": string,"sync_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "checked"?: number,"duration_ms"?: number | null,"eligible"?: number,"finished_at"?: string | null,"inactive"?: number,"missing"?: number,"run_id"?: string,"started_at"?: string,"sync_id"?: string | null
                  }
                  Update: {
                    "checked"?: number,"duration_ms"?: number | null,"eligible"?: number,"finished_at"?: string | null,"inactive"?: number,"missing"?: number,"run_id"?: string,"started_at"?: string,"sync_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"verification_requests": {
                  Row: {
                    "auth0_user_id": string | null,"completed_at": string | null,"created_at": string,"discord_id": string,"discord_username": string,"expires_at": string,"failure_reason": string | null,"id": number,"member_number": string | null,"status": string,"updated_at": string,"verification_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "auth0_user_id"?: string | null,"completed_at"?: string | null,"created_at"?: string,"discord_id": string,"discord_username": string,"expires_at": string,"failure_reason"?: string | null,"id"?: never,"member_number"?: string | null,"status"?: string,"updated_at"?: string,"verification_id"?: string
                  }
                  Update: {
                    "auth0_user_id"?: string | null,"completed_at"?: string | null,"created_at"?: string,"discord_id"?: string,"discord_username"?: string,"expires_at"?: string,"failure_reason"?: string | null,"id"?: never,"member_number"?: string | null,"status"?: string,"updated_at"?: string,"verification_id"?: string
                  }
                  Relationships: [
                    
                  ]
                }
          }
          Views: {
            "ineligible_links": {
                  Row: {
                    "checked_at": string,"discord_id": string,"member_number": string,"reason": string | null,"result": string,"run_id": string
                  }
                  ComputedFields: never
                  Insert: {
                           "checked_at"?: string | null,"discord_id"?: string | null,"member_number"?: string | null,"reason"?: string | null,"result"?: string | null,"run_id"?: string | null
                         }
                        Update: {
                           "checked_at"?: string | null,"discord_id"?: string | null,"member_number"?: string | null,"reason"?: string | null,"result"?: string | null,"run_id"?: string | null
                         }
                        Relationships: [
                    {
      foreignKeyName: "validation_logs_run_id_fkey"
      columns: ["run_id"]
isOneToOne: false
      referencedRelation: "validation_summaries"
      referencedColumns: ["run_id"]
    }
                  ]
                },"managed_roles": {
                  Row: {
                    "guild_id": string,"role_id": string
                  }
                  ComputedFields: never
                  Relationships: [
                    {
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "guilds"
      referencedColumns: ["guild_id"]
    },{
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "member_roles"
      referencedColumns: ["guild_id"]
    }
                  ]
                },"member_roles": {
                  Row: {
                    "discord_id": string | null,"grace_until": string | null,"guild_id": string,"member_number": string,"nickname": string | null,"role_ids": (string)[] | null
                  }
                  ComputedFields: never
                  Relationships: [
                    
                  ]
                },"role_rule_matches": {
                  Row: {
                    "discord_id": string | null,"grace_days": number,"guild_id": string,"member_number": string,"role_id": string,"rule_id": number,"status_holds": boolean | null
                  }
                  ComputedFields: never
                  Relationships: [
                    {
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "guilds"
      referencedColumns: ["guild_id"]
    },{
      foreignKeyName: "role_rules_guild_id_fkey"
      columns: ["guild_id"]
isOneToOne: false
      referencedRelation: "member_roles"
      referencedColumns: ["guild_id"]
    }
                  ]
                }
          }
          Functions: {
            "member_events_since":
{ Args: { "after_id": number,"max_rows"?: number }; Returns: {
              "created_at": string,
"details": NonNullable<Json>,
"discord_id": string,
"id": number,
"kind": string,
"member_number": string,
"request_id": string | null,
"source": string,
"sync_id": string | null
            }[]
                          SetofOptions: {
        from: "*"
        to: "member_events"
        isOneToOne: false
        isSetofReturn: true
      } },
"nickname_for":
{ Args: { "facility_code": string,"first_name": string,"last_name": string,"member_number": string,"region_code": string,"template": string }; Returns: string
                           }
          }
          Enums: {
            [_ in never]: never
          }
          CompositeTypes: {
            [_ in never]: never
          }
        },"public": {
          Tables: {
            "facilities": {
                  Row: {
                    "active": boolean,"created_at": string,"facility_code": string,"facility_name": string,"facility_type": string | null,"id": number,"member_count": number,"region_code": string | null,"region_name": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"facility_code": string,"facility_name": string,"facility_type"?: string | null,"id"?: never,"member_count"?: number,"region_code"?: string | null,"region_name"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"facility_code"?: string,"facility_name"?: string,"facility_type"?: string | null,"id"?: never,"member_count"?: number,"region_code"?: string | null,"region_name"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"members": {
                  Row: {
                    "auth0_user_id": string | null,"created_at": string,"discord_id": string | null,"discord_username": string | null,"discord_verified": boolean,"email": string | null,"facility_code": string | null,"facility_name": string | null,"first_name": string,"id": number,"last_auth0_sync": string | null,"last_name": string,"last_sync": string | null,"member_number": string,"member_type": string | null,"member_type_id": number | null,"region_code": string | null,"region_name": string | null,"source_email": string | null,"status": string,"updated_at": string,"verified_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "auth0_user_id"?: string | null,"created_at"?: string,"discord_id"?: string | null,"discord_username"?: string | null,"discord_verified"?: boolean,"email"?: string | null,"facility_code"?: string | null,"facility_name"?: string | null,"first_name": string,"id"?: never,"last_auth0_sync"?: string | null,"last_name": string,"last_sync"?: string | null,"member_number": string,"member_type"?: string | null,"member_type_id"?: number | null,"region_code"?: string | null,"region_name"?: string | null,"source_email"?: string | null,"status"?: string,"updated_at"?: string,"verified_at"?: string | null
                  }
                  Update: {
                    "auth0_user_id"?: string | null,"created_at"?: string,"discord_id"?: string | null,"discord_username"?: string | null,"discord_verified"?: boolean,"email"?: string | null,"facility_code"?: string | null,"facility_name"?: string | null,"first_name"?: string,"id"?: never,"last_auth0_sync"?: string | null,"last_name"?: string,"last_sync"?: string | null,"member_number"?: string,"member_type"?: string | null,"member_type_id"?: number | null,"region_code"?: string | null,"region_name"?: string | null,"source_email"?: string | null,"status"?: string,"updated_at"?: string,"verified_at"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"positions": {
                  Row: {
                    "active": boolean,"created_at": string,"end_date": string | null,"facility_code": string | null,"facility_name": string | null,"id": number,"member_number": string,"position_title": string | null,"position_type": string,"source_id": number,"start_date": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"end_date"?: string | null,"facility_code"?: string | null,"facility_name"?: string | null,"id"?: never,"member_number": string,"position_title"?: string | null,"position_type": string,"source_id": number,"start_date"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"end_date"?: string | null,"facility_code"?: string | null,"facility_name"?: string | null,"id"?: never,"member_number"?: string,"position_title"?: string | null,"position_type"?: string,"source_id"?: number,"start_date"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "positions_member_number_fkey"
      columns: ["member_number"]
isOneToOne: false
      referencedRelation: "members"
      referencedColumns: ["member_number"]
    }
                  ]
                },"regions": {
                  Row: {
                    "active": boolean,"created_at": string,"facility_count": number,"id": number,"member_count": number,"region_code": string,"region_name": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"facility_count"?: number,"id"?: never,"member_count"?: number,"region_code": string,"region_name": string,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"facility_count"?: number,"id"?: never,"member_count"?: number,"region_code"?: string,"region_name"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"sync_cursor": {
                  Row: {
                    "after_id": number,"environment_singleton": boolean,"failures": number,"full_compare": boolean,"mapping_version": number | null,"started_at": string,"sync_id": string,"table_name": string,"tables": (string)[],"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "after_id"?: number,"environment_singleton"?: boolean,"failures"?: number,"full_compare"?: boolean,"mapping_version"?: number | null,"started_at"?: string,"sync_id": string,"table_name": string,"tables": (string)[],"updated_at"?: string
                  }
                  Update: {
                    "after_id"?: number,"environment_singleton"?: boolean,"failures"?: number,"full_compare"?: boolean,"mapping_version"?: number | null,"started_at"?: string,"sync_id"?: string,"table_name"?: string,"tables"?: (string)[],"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"sync_logs": {
                  Row: {
                    "created_at": string,"duration_ms": number | null,"error_details": Json | null,"id": number,"operation": string,"records_deactivated": number,"records_failed": number,"records_inserted": number,"records_processed": number,"records_succeeded": number,"records_unchanged": number,"records_updated": number,"status": string | null,"sync_id": string,"table_name": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"duration_ms"?: number | null,"error_details"?: Json | null,"id"?: never,"operation": string,"records_deactivated"?: number,"records_failed"?: number,"records_inserted"?: number,"records_processed"?: number,"records_succeeded"?: never,"records_unchanged"?: number,"records_updated"?: number,"status"?: string | null,"sync_id": string,"table_name"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"duration_ms"?: number | null,"error_details"?: Json | null,"id"?: never,"operation"?: string,"records_deactivated"?: number,"records_failed"?: number,"records_inserted"?: number,"records_processed"?: number,"records_succeeded"?: never,"records_unchanged"?: number,"records_updated"?: number,"status"?: string | null,"sync_id"?: string,"table_name"?: string | null
                  }
                  Relationships: [
                    
                  ]
                }
          }
          Views: {
            [_ in never]: never
          }
          Functions: {
            [_ in never]: never
          }
          Enums: {
            [_ in never]: never
          }
          CompositeTypes: {
            [_ in never]: never
          }
        }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
  ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R
    }
    ? R
    : never
  : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I
    }
    ? I
    : never
  : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U
    }
    ? U
    : never
  : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
  ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
  ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never

export const Constants = {
  "dev": {
          Enums: {
            
          }
        },"discord": {
          Enums: {
            
          }
        },"discord_dev": {
          Enums: {
            
          }
        },"public": {
          Enums: {
            
          }
        }
} as const
