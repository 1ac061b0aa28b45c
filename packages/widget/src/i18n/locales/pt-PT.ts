import type { LocaleCatalog, Messages } from '../catalog'
import { pt } from './pt'

// European Portuguese: Brazil's catalog with what Portugal says differently
// (marcação, a carregar…, ficheiro, ligação), so the module stands alone.
const messages: Messages = {
  ...(pt.messages as Messages),
  loading: 'A carregar…',
  noZoneMatch: 'Nenhum fuso horário corresponde.',
  yourDetails: 'Introduza os seus dados',
  invalidEmail: 'Introduza um endereço de e-mail válido.',
  confirm: 'Confirmar marcação',
  scheduling: 'A marcar…',
  booked: 'A sua marcação está confirmada',
  bookedLead: 'Marcação em nome de {email}.',
  yourTime: 'A sua hora ({zone})',
  hostTime: 'Hora do anfitrião ({zone})',
  addToCalendar: 'Adicionar ao calendário',
  downloadIcs: 'Transferir ficheiro .ics',
  google: 'Google Calendar',
  manageReschedule: 'Remarcar',
  slotTaken:
    'Lamentamos, esse horário acabou de ser reservado. Estes são os horários ainda disponíveis.',
  slotRefused: 'Esse horário já não pode ser reservado. Escolha outro.',
  submitError: 'Não foi possível concluir o seu pedido.',
  errorNotFound: 'Esta ligação não é válida ou a reunião já não está disponível.',
  errorNetwork: 'Verifique a sua ligação ou tente novamente dentro de momentos.',
  errorStarted: 'Esta reunião já começou e já não pode ser alterada.',
  errorChanged: 'Esta marcação foi alterada entretanto. Recarregue a página.',
  currentBooking: 'Marcação atual: {time}',
  rescheduling: 'A remarcar…',
  rescheduled: 'A sua marcação foi alterada',
  cancelTitle: 'Cancelar a sua marcação',
  cancelConfirm: 'Cancelar marcação',
  cancelling: 'A cancelar…',
  cancelled: 'A sua marcação foi cancelada',
  notActive: 'Esta marcação já não está ativa.',
  missingBooking: 'A ligação não contém o código da marcação nem o token de acesso.',
  widgetLabel: 'Marcar uma reunião',
  yourPhone: 'O seu número de telefone',
}

/** Portuguese (Portugal). */
export const ptPT: LocaleCatalog = { locale: 'pt-PT', messages }
export default ptPT
